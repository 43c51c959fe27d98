import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, cloudFlag, configFileFlag, resourceGroupFlag, subscriptionFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {deadlineNote} from '../core/deadline.js'
import {escapeControl} from '../core/display.js'
import {ExitCode} from '../core/errors.js'
import {formatEntry, type LogEntry, type LogLineJson, toJson} from '../core/log-lines.js'

export default class Logs extends AzdeployCommand<typeof Logs> {
  static override summary = "Show the container's output and App Service's platform log for it, in time order."
  static override description =
    `Reads the app's current Docker log files through its SCM (Kudu) site with your Azure AD token (never publishing credentials; needs Website Contributor or Contributor on the app). Lines are labelled [app] (container stdout/stderr) or [platform] (App Service starting it), plus the instance when several run.

--follow keeps polling for new lines until Ctrl-C, which ends it with exit 0.
When container logging is off, azdeploy offers to turn on file system logging (at most 35 MB, kept 3 days); without a terminal, --yes is required. Output appears from the container's next start.
--json prints an array of {time, source, instance, message}; with --follow, one such object per line (NDJSON).

${deadlineNote('logs')}`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected, ExitCode.StillRunning)
  static override examples = [
    '<%= config.bin %> logs --app shop-api -g shop-rg --since 1h',
    '<%= config.bin %> logs --app shop-api --follow',
    '<%= config.bin %> logs --follow --json | jq .message',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    follow: Flags.boolean({char: 'f', summary: 'Keep printing new lines until Ctrl-C.'}),
    since: Flags.string({summary: 'Only lines newer than this, e.g. 10m, 2h, 1d.', helpValue: 'DURATION'}),
    yes: Flags.boolean({char: 'y', summary: 'Turn on container logging without asking (required without a TTY).'}),
    config: configFileFlag(),
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
  }

  async run(): Promise<LogLineJson[] | undefined> {
    const {runLogs} = await import('../app/logs.js')
    const read = await runLogs(this.flags, this.io(), (entries, many) => this.print(entries, many))
    if (!read) return undefined
    if (!this.jsonEnabled()) this.print(read.entries, read.showInstance)
    return read.entries.map(toJson)
  }

  private print(entries: LogEntry[], showInstance: boolean): void {
    if (entries.length === 0) return
    // Container output can quote anything: each line is scrubbed like every other write of the run, and on a
    // terminal no escape sequence of it is obeyed.
    const target = process.stdout.isTTY ? 'tty' : 'plain'
    const lines = entries.map((e) =>
      this.jsonEnabled()
        ? this.redactor.stringify(toJson(e))
        : escapeControl(this.redactor.text(formatEntry(e, showInstance)), target),
    )
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}
