/**
 * The credential chain every command uses. Same order and semantics as DefaultAzureCredential (unavailable → next,
 * any other error stops), plus GitHub Actions OIDC and the saved `azdeploy login`; minus VS Code, PowerShell and
 * the broker. It remembers which credential answered and keeps using it afterwards. As inside DAC, a configured
 * service principal (environment variables, here also GitHub OIDC) fails fast rather than falling through to
 * a developer login: a wrong secret should be reported, not silently replaced by someone's `az login`.
 * In a GitHub Actions job set up for OIDC (isGitHubOidcRun) the job's OIDC token is the only credential tried:
 * never the managed identity probe, never a developer login. For an authority host MSAL does not know
 * (AZURE_AUTHORITY_HOST of a private or test cloud) instance discovery is off.
 * `@azure/identity` is imported lazily, so `--help` loads no Azure module.
 */
import type {TokenCredential} from '@azure/core-auth'
import type {CloudInfo} from '../../core/cloud.js'
import {shown} from '../../core/display.js'
import {InputError} from '../../core/errors.js'
import {
  federationMismatch,
  GitHubOidcAssertion,
  isGitHubOidcRun,
  missingIdTokenPermission,
} from '../github/github-oidc.js'
import {isCustomAuthorityHost} from './authority.js'
import {AzureCliTokenCredential} from './azure-cli-credential.js'
import {type ChainSource, CREDENTIAL_NAMES, type CredentialName, NamedChain} from './named-chain.js'
import {StoredLoginCredential} from './stored-login.js'

export type {ChainSource, CredentialName} from './named-chain.js'
export {CREDENTIAL_NAMES, NamedChain, NOT_LOGGED_IN_HINT} from './named-chain.js'

type Env = Record<string, string | undefined>

const PROD: CredentialName[] = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'GitHubOidcCredential',
  'ManagedIdentityCredential',
]
const DEV: CredentialName[] = ['AzdeployLoginCredential', 'AzureCliCredential', 'AzureDeveloperCliCredential']

/**
 * Which credentials to try: `AZDEPLOY_CREDENTIAL`; else, in a GitHub Actions job set up for OIDC, only
 * GitHubOidcCredential; else `AZURE_TOKEN_CREDENTIALS` (`dev`, `prod`, or one name, case-insensitive); else all.
 * `WorkloadIdentityCredential` includes GitHub Actions OIDC, which is a workload identity federation too.
 */
export function selectCredentials(env: Env): CredentialName[] {
  for (const variable of ['AZDEPLOY_CREDENTIAL', 'AZURE_TOKEN_CREDENTIALS']) {
    const raw = env[variable]?.trim()
    if (!raw) continue
    if (variable === 'AZURE_TOKEN_CREDENTIALS' && isGitHubOidcRun(env)) break
    const value = raw.toLowerCase()
    if (value === 'dev') return [...DEV]
    if (value === 'prod') return [...PROD]
    if (value === 'workloadidentitycredential') return ['WorkloadIdentityCredential', 'GitHubOidcCredential']
    const one = CREDENTIAL_NAMES.find((n) => n.toLowerCase() === value)
    if (one) return [one]
    throw new InputError(
      'INVALID_CREDENTIAL_SELECTION',
      `${variable}="${shown(raw)}" is not one of dev, prod, ${CREDENTIAL_NAMES.join(', ')}`,
      `Set ${variable} to dev, prod or one credential name, or unset it`,
    )
  }
  if (isGitHubOidcRun(env)) return ['GitHubOidcCredential']
  return [...PROD, ...DEV]
}

export interface CredentialChainOptions {
  cloud: CloudInfo
  env: Env
  /** Restrict developer credentials (CLI, azd, saved login) to this tenant. */
  tenantId?: string
  /** Timeout for `az` / `azd` token commands. */
  processTimeoutInMs?: number
  /** Called with each secret the chain obtains on its own (the GitHub OIDC ID token), to register it. */
  onSecret?: (value: string) => void
}

type Identity = typeof import('@azure/identity')
type Lazy = (make: (id: Identity) => TokenCredential) => TokenCredential

/** GitHub Actions OIDC through ClientAssertionCredential; errors say what to fix in the workflow or in Entra. */
function gitHubOidcSource(
  env: Env,
  lazy: Lazy,
  authority: Record<string, unknown>,
  onSecret: ((value: string) => void) | undefined,
): ChainSource {
  const name = 'GitHubOidcCredential'
  const tenant = env['AZURE_TENANT_ID']
  const client = env['AZURE_CLIENT_ID']
  const url = env['ACTIONS_ID_TOKEN_REQUEST_URL']
  const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
  const inActions = isGitHubOidcRun(env)
  if (!tenant || !client || !url || !bearer) {
    if (inActions) {
      return {name, failFast: true, credential: {getToken: () => Promise.reject(missingIdTokenPermission())}}
    }
    return {name, skipped: 'not in a GitHub Actions job with `id-token: write` and AZURE_CLIENT_ID/AZURE_TENANT_ID'}
  }
  const audience = env['AZDEPLOY_OIDC_AUDIENCE']?.trim()
  const assertion = new GitHubOidcAssertion({
    requestUrl: url,
    requestToken: bearer,
    ...(audience ? {audience} : {}),
    ...(onSecret ? {onToken: onSecret} : {}),
  })
  const exchange = lazy((id) => new id.ClientAssertionCredential(tenant, client, assertion.get, authority))
  const credential: TokenCredential = {
    getToken: async (scopes, options) => {
      try {
        return await exchange.getToken(scopes, options)
      } catch (e) {
        throw federationMismatch(e, env, assertion.claims) ?? e
      }
    },
  }
  return {name, credential, failFast: true}
}

/** The same retry knobs as the ARM pipeline (tests shorten the delays). */
function retryOptions(env: Env): {maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number} {
  const num = (k: string, d: number) => {
    const v = Number(env[k])
    return env[k] !== undefined && env[k] !== '' && Number.isFinite(v) ? v : d
  }
  return {
    maxRetries: num('AZDEPLOY_MAX_RETRIES', 3),
    retryDelayInMs: num('AZDEPLOY_RETRY_DELAY_MS', 800),
    maxRetryDelayInMs: num('AZDEPLOY_MAX_RETRY_DELAY_MS', 30_000),
  }
}

export async function createCredentialChain(opts: CredentialChainOptions): Promise<NamedChain> {
  const {env, cloud} = opts
  const names = selectCredentials(env)
  const sources: ChainSource[] = []
  // @azure/identity loads (~150 ms) only when a credential that needs it is first asked for a token.
  let identity: Promise<Identity> | undefined
  const lazy: Lazy = (make) => {
    let made: Promise<TokenCredential> | undefined
    return {
      getToken: async (scopes, options) => {
        identity ??= import('@azure/identity')
        made ??= identity.then(make)
        return (await made).getToken(scopes, options)
      },
    }
  }
  const authorityHost = cloud.authorityHost
  // A host MSAL does not know would otherwise be looked up at login.microsoftonline.com first.
  const authority = {
    authorityHost,
    ...(isCustomAuthorityHost(authorityHost) ? {disableInstanceDiscovery: true} : {}),
    retryOptions: retryOptions(env),
  }
  const tenant = env['AZURE_TENANT_ID']
  const client = env['AZURE_CLIENT_ID']
  const timeout = opts.processTimeoutInMs ?? 20_000
  const devTenant = opts.tenantId ? {tenantId: opts.tenantId} : {}
  for (const name of names) {
    switch (name) {
      case 'AzdeployLoginCredential':
        sources.push({name, credential: new StoredLoginCredential({env, cloud, ...devTenant})})
        break
      case 'EnvironmentCredential': {
        const secret = env['AZURE_CLIENT_SECRET']
        const certificatePath = env['AZURE_CLIENT_CERTIFICATE_PATH']
        if (!tenant || !client || !(secret || certificatePath)) {
          sources.push({name, skipped: 'AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate are not all set'})
        } else if (secret) {
          const credential = lazy((id) => new id.ClientSecretCredential(tenant, client, secret, authority))
          sources.push({name, credential, failFast: true})
        } else if (certificatePath) {
          const password = env['AZURE_CLIENT_CERTIFICATE_PASSWORD']
          const sendCertificateChain = /^(1|true)$/i.test(env['AZURE_CLIENT_SEND_CERTIFICATE_CHAIN'] ?? '')
          const config = password ? {certificatePath, certificatePassword: password} : {certificatePath}
          const options = {...authority, sendCertificateChain}
          const credential = lazy((id) => new id.ClientCertificateCredential(tenant, client, config, options))
          sources.push({name, credential, failFast: true})
        }
        break
      }
      case 'WorkloadIdentityCredential': {
        const tokenFilePath = env['AZURE_FEDERATED_TOKEN_FILE']
        if (!tenant || !client || !tokenFilePath) {
          sources.push({
            name,
            skipped: 'AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID are not all set',
          })
        } else {
          const options = {tenantId: tenant, clientId: client, tokenFilePath, ...authority}
          sources.push({name, credential: lazy((id) => new id.WorkloadIdentityCredential(options))})
        }
        break
      }
      case 'GitHubOidcCredential':
        sources.push(gitHubOidcSource(env, lazy, authority, opts.onSecret))
        break
      case 'ManagedIdentityCredential': {
        // As inside DefaultAzureCredential: probe IMDS briefly first, unless it is the only credential asked for.
        const options = {
          ...(client ? {clientId: client} : {}),
          sendProbeRequest: names.length > 1,
          retryOptions: {maxRetries: 5, retryDelayInMs: 800},
        }
        sources.push({name, credential: lazy((id) => new id.ManagedIdentityCredential(options))})
        break
      }
      case 'AzureCliCredential':
        sources.push({name, credential: new AzureCliTokenCredential({...devTenant, processTimeoutInMs: timeout})})
        break
      case 'AzureDeveloperCliCredential':
        sources.push({
          name,
          credential: lazy((id) => new id.AzureDeveloperCliCredential({...devTenant, processTimeoutInMs: timeout})),
        })
        break
    }
  }
  const secretValues = ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']
    .map((k) => env[k])
    .filter((v): v is string => Boolean(v))
  return new NamedChain(sources, secretValues, authorityHost)
}

export {fetchGitHubOidcToken} from '../github/github-oidc.js'
