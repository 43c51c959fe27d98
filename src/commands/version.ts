import {AzdeployCommand, COMMON_EXIT_CODES} from '../cli/command-base.js'

export default class Version extends AzdeployCommand<typeof Version> {
  static override summary = 'Print the version of azdeploy (same as --version or -v).'
  static override exitCodes = COMMON_EXIT_CODES
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> -v', '<%= config.bin %> version --json']

  async run(): Promise<{name: string; version: string; node: string; platform: string}> {
    this.reporter.result([this.config.userAgent])
    return {
      name: this.config.name,
      version: this.config.version,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    }
  }
}
