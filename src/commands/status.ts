import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, cloudFlag, configFileFlag, resourceGroupFlag, subscriptionFlag} from '../cli/flags.js'
import {deadlineNote} from '../core/deadline.js'
import {ExitCode} from '../core/errors.js'
import type {StatusOutcome} from '../services/status.js'

export default class Status extends AzdeployCommand<typeof Status> {
  static override summary = 'Show what the app runs: image and digest, port, URL, plan, and a live health probe.'
  static override description =
    `Reads the web app, its configuration and its plan (nothing is changed), and probes its URL once. ${deadlineNote('status')}`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected, ExitCode.StillRunning)
  static override examples = ['<%= config.bin %> status --app shop-api -g shop-rg', '<%= config.bin %> status --json']

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    config: configFileFlag(),
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
  }

  async run(): Promise<StatusOutcome> {
    const {runStatus} = await import('../app/status.js')
    const s = await runStatus(this.flags, this.io())
    this.reporter.result([
      `App:     ${s.app} (${s.resourceGroup}) ${s.state}`,
      `URL:     ${s.url ?? '-'}`,
      `Image:   ${s.image ?? '-'}${s.imageTag ? ` (deployed as ${s.imageTag})` : ''}`,
      `Port:    ${s.port ?? 'auto (80/8080)'}`,
      `Plan:    ${s.plan ? `${s.plan.name} ${s.plan.sku} × ${s.plan.instances}` : '-'}`,
      `Release: ${s.release ? `${s.release.id} (${s.release.kind} by ${s.release.actor}, ${s.release.createdAt})` : '-'}`,
      `Health:  ${s.health ? `${s.health.url} → ${s.health.status ?? 'no answer'} (${s.health.ok ? 'serving' : 'not serving'})` : '-'}`,
    ])
    return s
  }
}
