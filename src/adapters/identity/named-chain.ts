/**
 * The chain semantics: unavailable → next, any other error stops (as inside DefaultAzureCredential), pinned to the
 * credential that answered, tokens cached per scope. Error texts: a credential that cannot reach Entra says so and
 * names the host (not "check your secret"); nobody signed in leads with the fix and lists what was tried.
 */
import {connect} from 'node:net'
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import {AuthError, AzdeployError} from '../../core/errors.js'
import {redactText, redactValues} from '../../core/redact.js'
import {GITHUB_OIDC_HINT} from '../github/github-oidc.js'
import {networkReason} from '../http/request.js'
import {AzureCliTokenCredential, type CliAccount} from './azure-cli-credential.js'
import {NETWORK_HINT} from './msal-app.js'

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

/** A chain member: a credential, or the reason it was left out (shown when nothing answers). */
export interface ChainSource {
  name: CredentialName
  credential?: TokenCredential
  skipped?: string
  /** Any error from it stops the chain, even "unavailable" (as EnvironmentCredential does inside DAC). */
  failFast?: boolean
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

const NETWORK =
  /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|network_error)\b|Network request failed|socket hang up|getaddrinfo/i

/** The node error code / message of an error and its causes, for telling a network failure apart. */
function errorTexts(e: unknown): string {
  const parts: string[] = []
  let cur: unknown = e
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const o = cur as {code?: unknown; message?: unknown; errorCode?: unknown; cause?: unknown}
    parts.push(String(o.code ?? ''), String(o.errorCode ?? ''), String(o.message ?? ''))
    cur = o.cause
  }
  return parts.join(' ')
}

/** Credentials that talk to Entra ID themselves (not through `az`, `azd` or the managed identity endpoint). */
const ENTRA_DIRECT = new Set<CredentialName>([
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'GitHubOidcCredential',
  'AzdeployLoginCredential',
])

/** MSAL codes that follow a failed request as often as an unexpected answer. */
const MAYBE_NETWORK = /endpoints_resolution_error|openid_config_error|untrusted_authority/i

/** undefined when a TCP (+TLS-less) connection to the authority host succeeds within 3 s, else the reason. */
function tcpReachable(authorityHost: string): Promise<string | undefined> {
  const url = new URL(authorityHost)
  const port = Number(url.port || 443)
  return new Promise((resolve) => {
    const socket = connect({host: url.hostname.replace(/^\[|\]$/g, ''), port})
    const done = (reason: string | undefined) => {
      socket.destroy()
      resolve(reason)
    }
    socket.setTimeout(3000, () => done('the connection timed out'))
    socket.once('connect', () => done(undefined))
    socket.once('error', (err: NodeJS.ErrnoException) => done(networkReason(err)))
  })
}

export function isNetworkFailure(e: unknown): boolean {
  return NETWORK.test(errorTexts(e))
}

export class NamedChain implements TokenCredential {
  readonly sources: ReadonlyArray<ChainSource>
  /** The credential that produced the last token; the chain is pinned to it after its first success. */
  answeredBy: CredentialName | undefined
  readonly #secrets: string[]
  readonly #authorityHost: string | undefined
  readonly #cache = new Map<string, Promise<AccessToken>>()

  constructor(sources: ChainSource[], secretValues: string[] = [], authorityHost?: string) {
    this.sources = sources
    this.#secrets = secretValues.filter((v) => v.length >= 4)
    this.#authorityHost = authorityHost
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
        tried.push(`${source.name}: ${source.skipped ?? 'not configured'}`)
        continue
      }
      let token: AccessToken | null
      try {
        token = await source.credential.getToken(scopes, options)
      } catch (e) {
        if (e instanceof Error && UNAVAILABLE.has(e.name) && !source.failFast) {
          tried.push(`${source.name}: ${this.#clean(e.message)}`)
          continue
        }
        throw await this.#failure(source.name, e)
      }
      if (token) {
        this.answeredBy = source.name
        return token
      }
      tried.push(`${source.name}: unavailable`)
    }
    throw new AuthError(
      'NOT_LOGGED_IN',
      [
        'No Azure credential is available: sign in with `azdeploy login` (or `az login` if you use the Azure CLI).',
        'Tried:',
        ...tried.map((t) => `  - ${t}`),
        'No Azure account? `azdeploy up --local` runs the image on this machine instead.',
      ].join('\n'),
      NOT_LOGGED_IN_HINT,
    )
  }

  async #failure(name: CredentialName, e: unknown): Promise<AzdeployError> {
    if (e instanceof AzdeployError) return e
    const detail = this.#clean(e instanceof Error ? e.message : String(e))
    if (ENTRA_DIRECT.has(name) && this.#authorityHost && (isNetworkFailure(e) || MAYBE_NETWORK.test(errorTexts(e)))) {
      // MSAL reports a failed metadata or token request without its cause: ask the host itself.
      const host = new URL(this.#authorityHost).host
      const reason = await tcpReachable(this.#authorityHost)
      if (reason || isNetworkFailure(e)) {
        return new AuthError(
          'ENTRA_UNREACHABLE',
          `${name} cannot reach the sign-in service (network) at ${host}: ${reason ?? detail}`,
          NETWORK_HINT,
          {cause: e},
        )
      }
    }
    return new AuthError('CREDENTIAL_FAILED', `${name} could not get a token: ${detail}`, HINTS[name], {cause: e})
  }

  #clean(message: string): string {
    const first = (message.split(/\r?\n/).find((l) => l.trim()) ?? '').trim()
    const short = first.length > 240 ? `${first.slice(0, 240)}…` : first
    return redactValues(redactText(short), this.#secrets)
  }
}
