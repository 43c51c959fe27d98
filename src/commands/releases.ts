import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, cloudFlag, configFileFlag, resourceGroupFlag, subscriptionFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {deadlineNote} from '../core/deadline.js'
import {ExitCode} from '../core/errors.js'
import type {ReleasesOutcome} from '../services/releases.js'

export default class Releases extends AzdeployCommand<typeof Releases> {
  static override summary = 'List the releases of an app, newest first, the current one marked.'
  static override description =
    `Every \`up\` or \`rollback\` that changes the app records a release (image, digest, port, who, when, status) in tags on the web app, so every machine and CI runner sees the same history. The current release is the newest that succeeded: what the app runs.

${deadlineNote('releases')}`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected, ExitCode.StillRunning)

  static override examples = [
    '<%= config.bin %> releases --app shop-api -g shop-rg',
    '<%= config.bin %> releases --app shop-api -g shop-rg -n 5 --json',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    number: Flags.integer({char: 'n', summary: 'Show at most this many releases. [default: 20]', min: 1}),
    config: configFileFlag(),
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
  }

  async run(): Promise<ReleasesOutcome> {
    const {runReleases} = await import('../app/releases.js')
    const out = await runReleases(this.flags, this.io())
    if (out.releases.length === 0) {
      this.reporter.result(['No releases recorded yet (deploy with `azdeploy up`).'])
      return out
    }
    const rows = out.releases.map((r) => [
      `${r.current ? '*' : ' '} ${r.id}`,
      r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.kind,
      r.status,
      `${r.image} (${r.digest.slice(0, 19)})`,
      r.port === null ? 'port auto' : `port ${r.port}`,
      r.actor,
    ])
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
    this.reporter.result([
      ...rows.map((row) =>
        row
          .map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]!) : c))
          .join('  ')
          .trimEnd(),
      ),
      '* = current',
    ])
    return out
  }
}
