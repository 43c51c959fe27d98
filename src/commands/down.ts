import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, cloudFlag, configFileFlag, resourceGroupFlag, subscriptionFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {deadlineNote} from '../core/deadline.js'
import {ExitCode} from '../core/errors.js'
import {itemLabel} from '../core/teardown.js'
import type {TeardownOutcome} from '../services/teardown.js'

export default class Down extends AzdeployCommand<typeof Down> {
  static override summary = 'Delete the web app and what azdeploy created for it (and, when asked, its plan or group).'
  static override description =
    `Deletes the web app you name, then its pull identity <app>-acrpull and that identity's AcrPull role assignment, but only when azdeploy created them (tag managed-by: azdeploy; the assignment by the name up gives it) and no other web app uses the identity. Never deletes the plan unless --plan, and then only an azdeploy-tagged plan no other app uses (also after a failed first up, when the app does not exist). --delete-resource-group deletes the group -g names (or <app>-rg) only when the app is in it and everything in it is azdeploy's. Before deleting, it names everything it will delete and keep (with the reason); in a terminal you confirm by typing the name of the largest thing deleted: the group, else the plan, else the app. Without a terminal --yes is required (exit 2).

${deadlineNote('down')}`
  static override exitCodes = withSignals(
    ExitCode.Auth,
    ExitCode.Rejected,
    ExitCode.StillRunning,
    ExitCode.DockerUnavailable,
  )
  static override examples = [
    {
      description: 'Delete the app (and its pull identity when azdeploy made it); type the app name to confirm',
      command: '<%= config.bin %> down --app shop-api -g shop-rg',
    },
    {
      description: 'Also delete its plan when azdeploy created it and no other app uses it; no prompt',
      command: '<%= config.bin %> down --app shop-api -g shop-rg --plan --yes',
    },
    {
      description: 'After a failed first up (plan created, app not): remove the plan',
      command: '<%= config.bin %> down --app shop-api -g shop-rg --plan',
    },
    {
      description:
        "Delete the whole group (refused unless the app is in it and all of it is azdeploy's); type the group name",
      command: '<%= config.bin %> down --app shop-api -g shop-rg --delete-resource-group',
    },
    {
      description: 'What was deleted and what was kept, and why',
      command: '<%= config.bin %> down --app shop-api -g shop-rg --yes --json',
    },
    '<%= config.bin %> down --local --app shop-api',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    plan: Flags.boolean({
      summary: 'Also delete the App Service plan when azdeploy created it and no other app uses it.',
    }),
    'delete-resource-group': Flags.boolean({
      summary: "Delete the whole resource group (only when the app is in it and everything in it is azdeploy's).",
    }),
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
      r.deleted.length ? `Deleted: ${r.deleted.map(itemLabel).join('; ')}` : 'Nothing deleted.',
      ...r.kept.map((k) => `Kept: ${itemLabel(k)} (${k.reason})`),
    ])
    return r
  }
}
