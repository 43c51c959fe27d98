/**
 * The credential chain every command uses. Same order and semantics as DefaultAzureCredential (unavailable → next,
 * any other error stops), plus GitHub Actions OIDC and the saved `azdeploy login`; minus VS Code, PowerShell and
 * the broker. It remembers which credential answered and keeps using it afterwards. As inside DAC, a configured
 * service principal (environment variables, here also GitHub OIDC) fails fast rather than falling through to
 * a developer login: a wrong secret should be reported, not silently replaced by someone's `az login`.
 * `@azure/identity` is imported lazily, so `--help` loads no Azure module.
 */
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import type {CloudInfo} from '../../core/cloud.js'
import {AuthError, AzdeployError, InputError} from '../../core/errors.js'
import {redactText, redactValues} from '../../core/redact.js'
import {cachedAssertion, fetchGitHubOidcToken, GITHUB_OIDC_HINT} from '../github/github-oidc.js'
import {AzureCliTokenCredential, type CliAccount} from './azure-cli-credential.js'
import {StoredLoginCredential} from './login-store.js'

type Env = Record<string, string | undefined>

export const CREDENTIAL_NAMES = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'GitHubOidcCredential',
  'ManagedIdentityCredential',
  'AzdeployLoginCredential',
  'AzureCliCredential',
  'AzureDeveloperCliCredential',
] as const
export type CredentialName = (typeof CREDENTIAL_NAMES)[number]

const PROD: CredentialName[] = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'GitHubOidcCredential',
  'ManagedIdentityCredential',
]
const DEV: CredentialName[] = ['AzdeployLoginCredential', 'AzureCliCredential', 'AzureDeveloperCliCredential']

/** A chain member: a credential, or the reason it was left out (shown when nothing answers). */
export interface ChainSource {
  name: CredentialName
  credential?: TokenCredential
  skipped?: string
  /** Any error from it stops the chain, even "unavailable" (as EnvironmentCredential does inside DAC). */
  failFast?: boolean
}

/**
 * Which credentials to try: `AZDEPLOY_CREDENTIAL`, else `AZURE_TOKEN_CREDENTIALS` (`dev`, `prod`, or one name,
 * case-insensitive), else all. `WorkloadIdentityCredential` includes GitHub Actions OIDC, which is a workload
 * identity federation too.
 */
export function selectCredentials(env: Env): CredentialName[] {
  for (const variable of ['AZDEPLOY_CREDENTIAL', 'AZURE_TOKEN_CREDENTIALS']) {
    const raw = env[variable]?.trim()
    if (!raw) continue
    const value = raw.toLowerCase()
    if (value === 'dev') return [...DEV]
    if (value === 'prod') return [...PROD]
    if (value === 'workloadidentitycredential') return ['WorkloadIdentityCredential', 'GitHubOidcCredential']
    const one = CREDENTIAL_NAMES.find((n) => n.toLowerCase() === value)
    if (one) return [one]
    throw new InputError(
      'INVALID_CREDENTIAL_SELECTION',
      `${variable}="${raw}" is not one of dev, prod, ${CREDENTIAL_NAMES.join(', ')}`,
      `Set ${variable} to dev, prod or one credential name, or unset it`,
    )
  }
  return [...PROD, ...DEV]
}

const UNAVAILABLE = new Set(['CredentialUnavailableError', 'AuthenticationRequiredError'])

const HINTS: Partial<Record<CredentialName, string>> = {
  EnvironmentCredential: 'Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or the certificate)',
  WorkloadIdentityCredential: 'Check the federated credential of AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE',
  GitHubOidcCredential: GITHUB_OIDC_HINT,
  AzdeployLoginCredential: 'Run `azdeploy login` again',
  AzureCliCredential: 'Run `az login`',
  AzureDeveloperCliCredential: 'Run `azd auth login`',
}

export const NOT_LOGGED_IN_HINT =
  'Run `azdeploy login`, `az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET'

export class NamedChain implements TokenCredential {
  readonly sources: ReadonlyArray<ChainSource>
  /** The credential that produced the last token; the chain is pinned to it after its first success. */
  answeredBy: CredentialName | undefined
  readonly #secrets: string[]

  constructor(sources: ChainSource[], secretValues: string[] = []) {
    this.sources = sources
    this.#secrets = secretValues.filter((v) => v.length >= 4)
  }

  /** The Azure CLI's default subscription and tenant, known once the CLI has answered a token request. */
  get cliAccount(): CliAccount | undefined {
    const cli = this.sources.find((s) => s.name === 'AzureCliCredential')?.credential
    return cli instanceof AzureCliTokenCredential ? cli.account : undefined
  }

  /** Names of the credentials actually in the chain (those not skipped). */
  get names(): CredentialName[] {
    return this.sources.filter((s) => s.credential).map((s) => s.name)
  }

  readonly #cache = new Map<string, Promise<AccessToken>>()

  /**
   * Tokens are cached per scope (and tenant) until five minutes before they expire, and concurrent requests for
   * the same scope share one call: every SDK client would otherwise start its own `az` process.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const key = `${[scopes].flat().join(' ')}|${options?.tenantId ?? ''}|${options?.claims ?? ''}`
    const hit = this.#cache.get(key)
    if (hit) {
      const token = await hit.catch(() => undefined)
      if (token && token.expiresOnTimestamp - Date.now() > 5 * 60_000) return token
      if (this.#cache.get(key) === hit) this.#cache.delete(key)
    }
    const pending = this.#fetch(scopes, options)
    this.#cache.set(key, pending)
    pending.catch(() => {
      if (this.#cache.get(key) === pending) this.#cache.delete(key)
    })
    return pending
  }

  async #fetch(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const pinned = this.sources.find((s) => s.name === this.answeredBy)
    const tried: string[] = []
    for (const source of pinned ? [pinned] : this.sources) {
      if (!source.credential) {
        tried.push(`${source.name} (${source.skipped ?? 'not configured'})`)
        continue
      }
      let token: AccessToken | null
      try {
        token = await source.credential.getToken(scopes, options)
      } catch (e) {
        if (e instanceof Error && UNAVAILABLE.has(e.name) && !source.failFast) {
          tried.push(`${source.name} (${this.#clean(e.message)})`)
          continue
        }
        if (e instanceof AzdeployError) throw e
        throw new AuthError(
          'CREDENTIAL_FAILED',
          `${source.name} could not get a token: ${this.#clean(e instanceof Error ? e.message : String(e))}`,
          HINTS[source.name],
          {cause: e},
        )
      }
      if (token) {
        this.answeredBy = source.name
        return token
      }
      tried.push(`${source.name} (unavailable)`)
    }
    throw new AuthError(
      'NOT_LOGGED_IN',
      `No Azure credential is available. Tried: ${tried.join('; ')}`,
      NOT_LOGGED_IN_HINT,
    )
  }

  #clean(message: string): string {
    const first = (message.split(/\r?\n/).find((l) => l.trim()) ?? '').trim()
    const short = first.length > 240 ? `${first.slice(0, 240)}…` : first
    return redactValues(redactText(short), this.#secrets)
  }
}

export interface CredentialChainOptions {
  cloud: CloudInfo
  env: Env
  /** Restrict developer credentials (CLI, azd, saved login) to this tenant. */
  tenantId?: string
  /** Timeout for `az` / `azd` token commands. */
  processTimeoutInMs?: number
}

export async function createCredentialChain(opts: CredentialChainOptions): Promise<NamedChain> {
  const {env, cloud} = opts
  const names = selectCredentials(env)
  const sources: ChainSource[] = []
  // @azure/identity loads (~150 ms) only when a credential that needs it is first asked for a token.
  let identity: Promise<typeof import('@azure/identity')> | undefined
  const lazy = (make: (id: typeof import('@azure/identity')) => TokenCredential): TokenCredential => {
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
  const tenant = env['AZURE_TENANT_ID']
  const client = env['AZURE_CLIENT_ID']
  const timeout = opts.processTimeoutInMs ?? 20_000
  const devTenant = opts.tenantId ? {tenantId: opts.tenantId} : {}
  for (const name of names) {
    if (name === 'AzdeployLoginCredential') {
      sources.push({name, credential: new StoredLoginCredential({env, cloud, ...devTenant})})
      continue
    }
    switch (name) {
      case 'EnvironmentCredential': {
        const secret = env['AZURE_CLIENT_SECRET']
        const certificatePath = env['AZURE_CLIENT_CERTIFICATE_PATH']
        if (!tenant || !client || !(secret || certificatePath)) {
          sources.push({name, skipped: 'AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate are not all set'})
        } else if (secret) {
          const credential = lazy((id) => new id.ClientSecretCredential(tenant, client, secret, {authorityHost}))
          sources.push({name, credential, failFast: true})
        } else if (certificatePath) {
          const password = env['AZURE_CLIENT_CERTIFICATE_PASSWORD']
          const sendCertificateChain = /^(1|true)$/i.test(env['AZURE_CLIENT_SEND_CERTIFICATE_CHAIN'] ?? '')
          const config = password ? {certificatePath, certificatePassword: password} : {certificatePath}
          const options = {authorityHost, sendCertificateChain}
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
          const options = {tenantId: tenant, clientId: client, tokenFilePath, authorityHost}
          sources.push({name, credential: lazy((id) => new id.WorkloadIdentityCredential(options))})
        }
        break
      }
      case 'GitHubOidcCredential': {
        const url = env['ACTIONS_ID_TOKEN_REQUEST_URL']
        const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']
        if (!tenant || !client || !url || !bearer) {
          sources.push({
            name,
            skipped: 'not in a GitHub Actions job with `id-token: write` and AZURE_CLIENT_ID/AZURE_TENANT_ID',
          })
        } else {
          const assertion = cachedAssertion(() => fetchGitHubOidcToken(url, bearer))
          const credential = lazy((id) => new id.ClientAssertionCredential(tenant, client, assertion, {authorityHost}))
          sources.push({name, credential, failFast: true})
        }
        break
      }
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
  return new NamedChain(sources, secretValues)
}

export {fetchGitHubOidcToken} from '../github/github-oidc.js'
