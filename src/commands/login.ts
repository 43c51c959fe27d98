import type {LoginResult} from '../app/session.js'
import {AzdeployCommand, EXIT_CODES_HELP} from '../cli/command-base.js'
import {cloudFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'

export default class Login extends AzdeployCommand<typeof Login> {
  static override summary = 'Sign in to Azure for azdeploy, in a browser or with a device code.'
  static override description =
    `For people without another Azure credential. Not needed when \`az login\` or \`azd auth login\` was done, when AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET (or a certificate, workload identity, GitHub Actions OIDC) are set, or on Azure with a managed identity: azdeploy tries those first.

Opens a browser when one can be shown; otherwise (SSH, no display, no TTY, or --use-device-code) prints a code to enter at https://microsoft.com/devicelogin on any other device. Only the account and refresh token are saved (no access token), in <config>/azdeploy/login.json where <config> is $AZDEPLOY_CONFIG_DIR, $XDG_CONFIG_HOME or ~/.config (mode 0600, directory 0700); a symlinked, foreign or group/world-readable login file is refused. \`azdeploy logout\` removes it.

${EXIT_CODES_HELP}`

  static override examples = [
    '<%= config.bin %> login',
    '<%= config.bin %> login --use-device-code',
    '<%= config.bin %> login --tenant contoso.onmicrosoft.com --cloud AzureUSGovernment',
  ]

  static override flags = {
    'use-device-code': Flags.boolean({summary: 'Sign in with a device code instead of a local browser.'}),
    tenant: Flags.string({summary: 'Directory (tenant) id or domain. [default: your home tenant]'}),
    cloud: cloudFlag(),
  }

  async run(): Promise<LoginResult> {
    const f = this.flags
    const {chooseLoginMethod, login} = await import('../app/session.js')
    const method = chooseLoginMethod({
      useDeviceCode: f['use-device-code'],
      env: process.env,
      platform: process.platform,
      isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    })
    // The prompts go to stderr even with --json: without them nobody can finish signing in.
    const result = await login(
      {env: process.env, cloud: f.cloud, tenant: f.tenant, method, signal: this.abort.signal},
      {
        onDeviceCode: (p) => process.stderr.write(`${p.message}\n`),
        onBrowserUrl: (url, opened) =>
          process.stderr.write(
            opened
              ? `A browser window was opened to sign in. If it did not appear, open:\n${url}\n`
              : `Open this URL in a browser to sign in:\n${url}\n`,
          ),
      },
    )
    this.reporter.result([
      `Logged in as ${result.username} (tenant ${result.tenantId}, ${result.cloud}).`,
      `Saved to ${result.file}; \`azdeploy logout\` removes it.`,
    ])
    return result
  }
}
