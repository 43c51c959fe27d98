import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Flags} from '../cli/oclif.js'
import {resolveAppTarget} from '../core/config.js'
import {ExitCode, InputError} from '../core/errors.js'
import {formatEntry, type LogEntry, type LogLineJson, parseDuration, toJson} from '../core/log-lines.js'

export default class Logs extends AzdeployCommand<typeof Logs> {
  static override summary = "Show the container's output and App Service's platform log for it, in time order."
  static override description =
    `Reads the app's current Docker log files through its SCM (Kudu) site with your Azure AD token (never publishing credentials; needs Website Contributor or Contributor on the app). Lines are labelled [app] (container stdout/stderr) or [platform] (App Service starting it), plus the instance when several run.

--follow keeps polling for new lines until Ctrl-C, which ends it with exit 0.
When container logging is off, azdeploy offers to turn on file system logging (at most 35 MB, kept 3 days); without a terminal, --yes is required. Output appears from the container's next start.
--json prints an array of {time, source, instance, message}; with --follow, one such object per line (NDJSON).`
  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = [
    '<%= config.bin %> logs --app shop-api -g shop-rg --since 1h',
    '<%= config.bin %> logs --app shop-api --follow',
    '<%= config.bin %> logs --follow --json | jq .message',
  ]

  static override flags = {
    app: Flags.string({char: 'a', summary: 'Web app name.'}),
    'resource-group': Flags.string({char: 'g', summary: 'Resource group. [default: <app>-rg]'}),
    follow: Flags.boolean({char: 'f', summary: 'Keep printing new lines until Ctrl-C.'}),
    since: Flags.string({summary: 'Only lines newer than this, e.g. 10m, 2h, 1d.', helpValue: 'DURATION'}),
    yes: Flags.boolean({char: 'y', summary: 'Turn on container logging without asking (required without a TTY).'}),
    config: Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'}),
    subscription: Flags.string({char: 's', summary: 'Subscription id or name.'}),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment.'}),
  }

  async run(): Promise<LogLineJson[] | undefined> {
    const {readConfigFile} = await import('../adapters/system/config-file.js')
    const {file} = await readConfigFile(this.flags.config, process.cwd())
    const target = resolveAppTarget(this.flags, process.env, file)
    const sinceMs = this.flags.since === undefined ? undefined : parseDuration(this.flags.since)
    const {ctx, ports} = await this.azure(target)
    const {createLogsPorts} = await import('../app/logs-ports.js')
    const {followLogs, logsPolling, readLogs} = await import('../services/logs.js')
    const signal = this.abort.signal
    const logPorts = createLogsPorts(ctx, ports, target.app, this.reporter, signal, process.env)
    const options = {
      app: target.app,
      resourceGroup: target.resourceGroup,
      ...(sinceMs === undefined ? {} : {sinceMs}),
      confirm: (question: string) => this.askToEnable(question),
      ...logsPolling(process.env),
    }
    if (this.flags.follow) {
      await followLogs(options, logPorts, this.reporter, signal, (entries, many) => this.print(entries, many))
      return undefined
    }
    const {entries, showInstance} = await readLogs(options, logPorts, this.reporter, signal)
    if (!this.jsonEnabled()) this.print(entries, showInstance)
    return entries.map(toJson)
  }

  private print(entries: LogEntry[], showInstance: boolean): void {
    if (entries.length === 0) return
    const lines = entries.map((e) => (this.jsonEnabled() ? JSON.stringify(toJson(e)) : formatEntry(e, showInstance)))
    process.stdout.write(`${lines.join('\n')}\n`)
  }

  private async askToEnable(question: string): Promise<boolean> {
    if (this.flags.yes) return true
    if (!process.stdin.isTTY || !process.stderr.isTTY || this.jsonEnabled()) {
      throw new InputError(
        'CONFIRMATION_REQUIRED',
        'Container logging is off for this app; turning it on needs confirmation',
        'Pass --yes to turn on file system logging (35 MB, 3 days), ' +
          'or run `az webapp log config --docker-container-logging filesystem`',
      )
    }
    return /^y(es)?$/i.test((await this.ask(`${question} [y/N]`))?.trim() ?? '')
  }
}
