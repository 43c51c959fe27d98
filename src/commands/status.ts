import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Flags} from '../cli/oclif.js'
import {resolveAppTarget} from '../core/config.js'
import {ExitCode} from '../core/errors.js'
import type {StatusOutcome} from '../services/status.js'

export default class Status extends AzdeployCommand<typeof Status> {
  static override summary = 'Show what the app runs: image and digest, port, URL, plan, and a live health probe.'
  static override description =
    'Reads the web app, its configuration and its plan (nothing is changed), and probes its URL once.'
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = ['<%= config.bin %> status --app shop-api -g shop-rg', '<%= config.bin %> status --json']

  static override flags = {
    app: Flags.string({char: 'a', summary: 'Web app name.'}),
    'resource-group': Flags.string({char: 'g', summary: 'Resource group. [default: <app>-rg]'}),
    config: Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'}),
    subscription: Flags.string({char: 's', summary: 'Subscription id or name.'}),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment.'}),
  }

  async run(): Promise<StatusOutcome> {
    const {readConfigFile} = await import('../adapters/system/config-file.js')
    const {file} = await readConfigFile(this.flags.config, process.cwd())
    const target = resolveAppTarget(this.flags, process.env, file)
    const {ports} = await this.azure(target)
    const {appStatus} = await import('../services/status.js')
    const s = await this.reporter.stage('Read app status', () => appStatus(target, ports, this.abort.signal))
    this.reporter.result([
      `App:     ${s.app} (${s.resourceGroup}) ${s.state}`,
      `URL:     ${s.url ?? '-'}`,
      `Image:   ${s.image ?? '-'}`,
      `Port:    ${s.port ?? 'auto (80/8080)'}`,
      `Plan:    ${s.plan ? `${s.plan.name} ${s.plan.sku} × ${s.plan.instances}` : '-'}`,
      `Health:  ${s.health ? `${s.health.url} → ${s.health.status ?? 'no answer'} (${s.health.ok ? 'serving' : 'not serving'})` : '-'}`,
    ])
    return s
  }
}
