import type {WhoAmI} from '../app/session.js'
import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {cloudFlag, subscriptionFlag} from '../cli/flags.js'
import {ExitCode} from '../core/errors.js'

export default class Whoami extends AzdeployCommand<typeof Whoami> {
  static override summary =
    'Show the Azure identity, tenant and subscription azdeploy would use, and which credential answered.'
  static override description =
    `Credentials are tried in this order: environment service principal (secret or certificate), workload identity, GitHub Actions OIDC, managed identity, \`azdeploy login\`, Azure CLI, Azure Developer CLI. Narrow it with AZDEPLOY_CREDENTIAL or AZURE_TOKEN_CREDENTIALS (dev, prod, or one credential name). In a GitHub Actions job with AZURE_CLIENT_ID and AZURE_TENANT_ID (and no secret, certificate or token file) only the job's OIDC token is tried; it needs \`permissions: id-token: write\`.

The subscription is --subscription, else AZURE_SUBSCRIPTION_ID, else the Azure CLI default (when the Azure CLI answered), else the only one visible. No token is ever printed.`

  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = [
    '<%= config.bin %> whoami',
    '<%= config.bin %> whoami --json',
    'AZURE_TOKEN_CREDENTIALS=dev <%= config.bin %> whoami --subscription "Pay-As-You-Go"',
  ]

  static override flags = {
    subscription: subscriptionFlag(),
    cloud: cloudFlag(),
  }

  async run(): Promise<WhoAmI> {
    const {createAzureContext, whoami} = await import('../app/session.js')
    const ctx = await createAzureContext({
      cloud: this.flags.cloud,
      subscription: this.flags.subscription,
      env: process.env,
      secrets: this.reporter,
    })
    const me = await whoami(ctx)
    const p = me.principal
    const ids = [p.objectId && `object id ${p.objectId}`, p.appId && `app id ${p.appId}`].filter(Boolean).join(', ')
    this.reporter.result([
      `Principal:    ${p.name ?? '(unnamed)'} (${p.type}${ids ? `, ${ids}` : ''})`,
      `Credential:   ${me.credential ?? 'unknown'}`,
      `Tenant:       ${me.tenantId ?? 'unknown'}`,
      `Subscription: ${me.subscriptionId}${me.subscriptionName ? ` (${me.subscriptionName})` : ''} [from ${me.subscriptionSource}]`,
      `Cloud:        ${me.cloud} (${me.armEndpoint})`,
    ])
    return me
  }
}
