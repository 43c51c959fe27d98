/**
 * One MSAL public client for `azdeploy login` and the saved login: the Azure CLI's public client id, the cloud's
 * authority (trusted explicitly when it is not a Microsoft cloud MSAL knows), our HTTP client, silent logging, and
 * a cache plugin that holds MSAL's cache in memory and hands the persistable part (account + refresh token; no
 * access or id tokens) to the caller, who writes it into the 0600 login file. `@azure/msal-node` is imported here,
 * lazily, so no command's `--help` loads it.
 */
import type {AccountInfo, ICachePlugin, PublicClientApplication, TokenCacheContext} from '@azure/msal-node'
import {AuthError} from '../../core/errors.js'
import {authorityHostName, isCustomAuthorityHost} from './authority.js'
import {MsalNetwork} from './msal-network.js'

/** The Azure CLI's public client id, as the Azure SDK's interactive credentials use it. */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
export const HINT_RETRY = 'Run `azdeploy login` again'
export const NETWORK_HINT = 'Check the network connection and proxy (HTTPS_PROXY), or AZURE_AUTHORITY_HOST if it is set'

export interface MsalEndpoint {
  authorityHost: string
  tenant: string
  clientId: string
  /** Extra trusted CA (PEM) for the authority; tests pass their CA. */
  ca?: string
  timeoutMs?: number
}

export interface MsalApp {
  app: PublicClientApplication
  net: MsalNetwork
  /** The persistable cache after the last change (undefined before any). */
  persisted(): string | undefined
  authority(tenant?: string): string
}

/** Keeps only what a later silent sign-in needs: accounts, refresh tokens, app metadata. */
export function persistableCache(serialized: string): string {
  const all = JSON.parse(serialized) as Record<string, unknown>
  return JSON.stringify({...all, AccessToken: {}, IdToken: {}})
}

export async function createMsalApp(
  o: MsalEndpoint & {cache?: string; onCacheChange?: (persistable: string) => Promise<void>},
): Promise<MsalApp> {
  const msal = await import('@azure/msal-node')
  const net = new MsalNetwork({...(o.ca ? {ca: o.ca} : {}), ...(o.timeoutMs ? {timeoutMs: o.timeoutMs} : {})})
  // MSAL reloads its in-memory cache from the plugin before every access (acquireTokenSilent starts by clearing
  // it), so the full state, access tokens included, is kept here in memory; only the persistable part leaves.
  let state = o.cache
  let persisted: string | undefined
  const cachePlugin: ICachePlugin = {
    beforeCacheAccess: async (ctx: TokenCacheContext) => {
      if (state) ctx.tokenCache.deserialize(state)
    },
    afterCacheAccess: async (ctx: TokenCacheContext) => {
      if (!ctx.cacheHasChanged) return
      state = ctx.tokenCache.serialize()
      persisted = persistableCache(state)
      await o.onCacheChange?.(persisted)
    },
  }
  const host = o.authorityHost.replace(/\/+$/, '')
  const authority = (tenant = o.tenant) => `${host}/${encodeURIComponent(tenant)}`
  const app = new msal.PublicClientApplication({
    auth: {
      clientId: o.clientId,
      authority: authority(),
      ...(isCustomAuthorityHost(host) ? {knownAuthorities: [authorityHostName(host)]} : {}),
    },
    cache: {cachePlugin},
    system: {
      networkClient: net,
      loggerOptions: {loggerCallback: () => {}, piiLoggingEnabled: false, logLevel: msal.LogLevel.Error},
    },
  })
  return {app, net, persisted: () => persisted, authority}
}

export interface SignedInAccount {
  username: string
  oid: string
  homeTenant: string
  homeAccountId: string
  /** The tenant the token was issued in. */
  tenantId: string
}

export function accountOf(account: AccountInfo | null, fallbackTenant: string): SignedInAccount {
  const claims = (account?.idTokenClaims ?? {}) as Record<string, unknown>
  const str = (k: string) => (typeof claims[k] === 'string' && claims[k] ? (claims[k] as string) : undefined)
  const homeAccountId = account?.homeAccountId ?? ''
  const homeTenant = homeAccountId.split('.')[1] || str('tid') || account?.tenantId || ''
  return {
    username: account?.username || str('preferred_username') || str('upn') || str('email') || str('name') || 'unknown',
    oid: account?.localAccountId || str('oid') || '',
    homeTenant,
    homeAccountId,
    tenantId: account?.tenantId || str('tid') || fallbackTenant,
  }
}

/** MSAL's error code and the first line of its message (Entra's text: AADSTS code, never a token). */
function describe(e: unknown): {code: string; text: string} {
  const o = (e && typeof e === 'object' ? e : {}) as {errorCode?: unknown; errorMessage?: unknown; message?: unknown}
  const code = typeof o.errorCode === 'string' ? o.errorCode : ''
  const raw = typeof o.errorMessage === 'string' && o.errorMessage ? o.errorMessage : String(o.message ?? e)
  const text = (raw.split(/\r?\n/).find((l) => l.trim()) ?? '').trim()
  return {code, text: text.length > 300 ? `${text.slice(0, 300)}…` : text}
}

/** The network failure behind an MSAL error, as "cannot reach the sign-in service (network)". */
export function unreachable(e: unknown, net: MsalNetwork, authorityHost: string): AuthError | undefined {
  const {code, text} = describe(e)
  // MSAL reports a failed metadata fetch as endpoints_resolution_error and a failed token call as network_error;
  // either way our HTTP client saw the failure.
  const isNetwork =
    net.lastFailure !== undefined || code === 'network_error' || (e as {name?: string})?.name === 'HttpFailure'
  if (!isNetwork) return undefined
  const host = net.lastFailure?.host ?? authorityHostName(authorityHost)
  const reason = net.lastFailure?.reason ?? text
  return new AuthError(
    'ENTRA_UNREACHABLE',
    `Cannot reach the sign-in service (network) at ${host}: ${reason}`,
    NETWORK_HINT,
    {cause: e},
  )
}

/** An MSAL failure as one AzdeployError; `what` names the step ("device code sign-in", "saved login"). */
export function signInError(e: unknown, net: MsalNetwork, authorityHost: string, what: string): AuthError {
  const network = unreachable(e, net, authorityHost)
  if (network) return network
  if (e instanceof AuthError) return e
  const {code, text} = describe(e)
  const both = `${code} ${text}`
  if (/expired_token|code_expired|device_code_expired/.test(both)) {
    return new AuthError('DEVICE_CODE_EXPIRED', 'The device code expired before sign-in finished', HINT_RETRY)
  }
  if (/access_denied|authorization_declined/.test(both)) {
    return new AuthError('LOGIN_DECLINED', `Sign-in was declined${text ? `: ${text}` : ''}`, HINT_RETRY)
  }
  return new AuthError('LOGIN_FAILED', `Entra ID refused the ${what} (${code || 'error'}): ${text}`, HINT_RETRY, {
    cause: e,
  })
}
