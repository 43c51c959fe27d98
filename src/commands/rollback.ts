import type {RollbackOutcome} from '../app/rollback.js'
import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {
  appFlag,
  cloudFlag,
  configFileFlag,
  configFlag,
  lockWaitFlag,
  resourceGroupFlag,
  subscriptionFlag,
} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {ExitCode} from '../core/errors.js'

export default class Rollback extends AzdeployCommand<typeof Rollback> {
  static override summary = 'Put back an earlier release: its image digest and port, then wait until it serves.'
  static override description =
    `Restores the release before the current one (or --to ID) through the same steps as \`up\`: the image pinned by digest and its port in one change, the same wait until the restored container serves, the same deploy lock. It records a release of kind rollback, marks the replaced one "rolled back", and prints the command that undoes it.

Setting values are never stored (only their names and a fingerprint), so a rollback leaves them as they are and names those that changed since that release or that it cannot restore.

It changes production: without a terminal to confirm in, pass --yes.`
  static override exitCodes = withSignals(
    ExitCode.Auth,
    ExitCode.Rejected,
    ExitCode.Unhealthy,
    ExitCode.LockHeld,
    ExitCode.StillRunning,
  )

  static override examples = [
    '<%= config.bin %> rollback --app shop-api -g shop-rg',
    '<%= config.bin %> rollback --app shop-api -g shop-rg --to 41 --yes --json',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    to: Flags.integer({
      summary: 'Release id to restore (see `azdeploy releases`). [default: the one before the current]',
      min: 1,
    }),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation (required without a TTY).'}),
    timeout: configFlag('timeout'),
    'lock-wait': lockWaitFlag(),
    'no-wait': Flags.boolean({summary: 'Do not wait for the restored container to serve.'}),
    config: configFileFlag(),
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
  }

  async run(): Promise<RollbackOutcome> {
    const {runRollback} = await import('../app/rollback.js')
    const o = await runRollback(this.flags, this.io())
    const lines = o.changed
      ? [`Rolled back ${o.app} to release ${o.to} (${o.image}, ${o.digest}) as release ${o.release}.`]
      : [`No changes: ${o.app} already runs release ${o.to}'s image (${o.digest}).`]
    if (o.url) lines.push(`URL: ${o.url}`)
    if (o.health === 'serving') lines.push('The restored container is serving.')
    if (o.changed) lines.push(`Undo: ${o.undo}`)
    this.reporter.result(lines)
    return o
  }
}
