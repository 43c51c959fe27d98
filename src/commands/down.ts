import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Flags} from '../cli/oclif.js'
import {resolveAppTarget} from '../core/config.js'
import {ExitCode, InputError} from '../core/errors.js'
import type {TeardownOutcome} from '../services/teardown.js'

export default class Down extends AzdeployCommand<typeof Down> {
  static override summary = 'Delete the web app (and, when asked, its plan or resource group).'
  static override description =
    `Deletes the app and the pull identity azdeploy created for it. --plan also deletes the App Service plan when no other app uses it. The resource group is deleted only with --delete-resource-group. In a terminal you confirm by typing the app name; without a terminal --yes is required.`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = [
    '<%= config.bin %> down --app shop-api -g shop-rg',
    '<%= config.bin %> down --app shop-api -g shop-rg --plan --yes',
    '<%= config.bin %> down --local --app shop-api',
  ]

  static override flags = {
    app: Flags.string({char: 'a', summary: 'Web app name.'}),
    'resource-group': Flags.string({char: 'g', summary: 'Resource group. [default: <app>-rg]'}),
    plan: Flags.boolean({summary: 'Also delete the App Service plan when no other app uses it.'}),
    'delete-resource-group': Flags.boolean({summary: 'Also delete the whole resource group and everything in it.'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation (required without a TTY).'}),
    config: Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'}),
    subscription: Flags.string({char: 's', summary: 'Subscription id or name.'}),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment.'}),
    local: Flags.boolean({
      summary: 'Stop and remove the container of `up --local` (of --app, else all of them); nothing in Azure.',
    }),
  }

  async run(): Promise<TeardownOutcome | {removed: string[]}> {
    if (this.flags.local) {
      const {downLocal} = await import('../app/local.js')
      return downLocal(this.flags.app, {
        cwd: process.cwd(),
        env: process.env,
        signal: this.abort.signal,
        reporter: this.reporter,
      })
    }
    const {readConfigFile} = await import('../adapters/system/config-file.js')
    const {file} = await readConfigFile(this.flags.config, process.cwd())
    const target = resolveAppTarget(this.flags, process.env, file)
    const what = this.flags['delete-resource-group']
      ? `resource group ${target.resourceGroup} and everything in it`
      : `app ${target.app}`
    if (!this.flags.yes) {
      if (!process.stdin.isTTY || !process.stderr.isTTY || this.jsonEnabled()) {
        throw new InputError(
          'CONFIRMATION_REQUIRED',
          `Refusing to delete ${what} without confirmation`,
          'Pass --yes (no terminal to ask in)',
        )
      }
      const answer = (await this.ask(`This deletes ${what}. Type the app name (${target.app}) to confirm:`))?.trim()
      if (answer !== target.app) {
        throw new InputError(
          'NOT_CONFIRMED',
          answer === undefined
            ? 'No confirmation (end of input); nothing deleted'
            : `Confirmation '${answer}' does not match '${target.app}'; nothing deleted`,
          'Type the app name exactly, or pass --yes',
        )
      }
    }
    const {ports} = await this.azure(target)
    const {teardown} = await import('../services/teardown.js')
    const r = await teardown(
      {
        app: target.app,
        resourceGroup: target.resourceGroup,
        deletePlan: this.flags.plan,
        deleteGroup: this.flags['delete-resource-group'],
      },
      ports,
      this.reporter,
    )
    this.reporter.result([
      r.deleted.length ? `Deleted: ${r.deleted.join(', ')}` : 'Nothing deleted.',
      ...(r.kept.length ? [`Kept: ${r.kept.join(', ')}`] : []),
    ])
    return r
  }
}
