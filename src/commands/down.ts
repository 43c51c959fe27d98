import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, cloudFlag, configFileFlag, resourceGroupFlag, subscriptionFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {deadlineNote} from '../core/deadline.js'
import {ExitCode} from '../core/errors.js'
import type {TeardownOutcome} from '../services/teardown.js'

export default class Down extends AzdeployCommand<typeof Down> {
  static override summary = 'Delete the web app (and, when asked, its plan or resource group).'
  static override description =
    `Deletes the app and the pull identity azdeploy created for it. --plan also deletes the App Service plan when no other app uses it. The resource group is deleted only with --delete-resource-group. In a terminal you confirm by typing the app name; without a terminal --yes is required.

${deadlineNote('down')}`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected, ExitCode.StillRunning)
  static override examples = [
    '<%= config.bin %> down --app shop-api -g shop-rg',
    '<%= config.bin %> down --app shop-api -g shop-rg --plan --yes',
    '<%= config.bin %> down --local --app shop-api',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    plan: Flags.boolean({summary: 'Also delete the App Service plan when no other app uses it.'}),
    'delete-resource-group': Flags.boolean({summary: 'Also delete the whole resource group and everything in it.'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation (required without a TTY).'}),
    config: configFileFlag(),
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
    local: Flags.boolean({
      summary: 'Stop and remove the container of `up --local` (of --app, else all of them); nothing in Azure.',
    }),
  }

  async run(): Promise<TeardownOutcome | {removed: string[]}> {
    if (this.flags.local) {
      const {downLocal} = await import('../app/local.js')
      return downLocal(this.flags.app, this.io())
    }
    const {runDown} = await import('../app/teardown.js')
    const r = await runDown(this.flags, this.io())
    this.reporter.result([
      r.deleted.length ? `Deleted: ${r.deleted.join(', ')}` : 'Nothing deleted.',
      ...(r.kept.length ? [`Kept: ${r.kept.join(', ')}`] : []),
    ])
    return r
  }
}
