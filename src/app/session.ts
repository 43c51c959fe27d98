/**
 * Who we are in Azure: `login`, `logout`, `whoami`, and `createAzureContext`, the one entry point the rest of the
 * CLI calls to get a credential, a subscription and a cloud. No token ever leaves this module in a result.
 */

import {
  type RunAz,
  resolveSubscription,
  type SubscriptionSource,
  subscriptionName,
} from '../adapters/azure/subscription.js'
import {type CredentialName, createCredentialChain, type NamedChain} from '../adapters/identity/azure-credential.js'
import {
  type DeviceCodePrompt,
  type SignInResult,
  signInWithBrowser,
  signInWithDeviceCode,
} from '../adapters/identity/entra-signin.js'
import {decodeJwtClaims} from '../adapters/identity/jwt.js'
import {deleteLogin, writeLogin} from '../adapters/identity/login-store.js'
import {AZURE_CLI_CLIENT_ID} from '../adapters/identity/msal-app.js'
import {type CloudName, resolveCloud} from '../core/cloud.js'
import {shown} from '../core/display.js'
import {InputError} from '../core/errors.js'
import type {AzureContext as PortsAzureContext} from '../ports/index.js'

type Env = Record<string, string | undefined>

/** The signed-in context (ports/context.ts), with azdeploy's credential chain. */
export type AzureContext = PortsAzureContext<NamedChain>

export interface AzureContextOptions {
  cloud?: string | undefined
  subscription?: string | undefined
  env: Env
  tenantId?: string
  runAz?: RunAz
  /** Extra SubscriptionClient options, for tests. */
  clientOptions?: Record<string, unknown>
  /** Called once sign-in has started (e.g. an `az` process runs): a moment to load what comes next. */
  whileSigningIn?: () => void
  /**
   * The run's secret set (the reporter): every token the credential hands out and the GitHub OIDC ID token it
   * fetches are registered before anything can print them.
   */
  secrets?: {mask(value: string): void}
}

export async function createAzureContext(opts: AzureContextOptions): Promise<AzureContext> {
  const cloud = resolveCloud(opts.cloud, opts.env)
  const secrets = opts.secrets
  const credential = await createCredentialChain({
    cloud,
    env: opts.env,
    ...(opts.tenantId ? {tenantId: opts.tenantId} : {}),
    ...(secrets ? {onSecret: (v: string) => secrets.mask(v)} : {}),
  })
  if (secrets) registerTokens(credential, secrets)
  // Start the first token now (cached by the chain; a failure surfaces at its first real use) so that `az` or
  // Entra runs while the caller loads the SDKs it needs next.
  void credential.getToken(cloud.armScope).catch(() => undefined)
  opts.whileSigningIn?.()
  const sub = await resolveSubscription({
    flag: opts.subscription,
    env: opts.env,
    chain: credential,
    cloud,
    ...(opts.runAz ? {runAz: opts.runAz} : {}),
    ...(opts.clientOptions ? {clientOptions: opts.clientOptions} : {}),
  })
  const ctx: AzureContext = {credential, subscriptionId: sub.subscriptionId, cloud, subscriptionSource: sub.source}
  if (sub.tenantId) ctx.tenantId = sub.tenantId
  if (sub.name) ctx.subscriptionName = sub.name
  return ctx
}

/** Wraps a credential so every token it hands out is registered as a secret of the run before it is returned. */
export function registerTokens<C extends {getToken(...a: never[]): Promise<{token: string} | null>}>(
  credential: C,
  secrets: {mask(value: string): void},
): C {
  const original = credential.getToken.bind(credential) as (...a: unknown[]) => Promise<{token: string} | null>
  Object.defineProperty(credential, 'getToken', {
    configurable: true,
    value: async (...args: unknown[]) => {
      const token = await original(...args)
      if (token?.token) secrets.mask(token.token)
      return token
    },
  })
  return credential
}

export type LoginMethod = 'browser' | 'device-code'

/** Browser when someone can see one (a TTY and, on Linux/BSD, a display, and not over SSH); else device code. */
export function chooseLoginMethod(o: {
  useDeviceCode?: boolean
  env: Env
  platform: NodeJS.Platform
  isTTY: boolean
}): LoginMethod {
  if (o.useDeviceCode || !o.isTTY) return 'device-code'
  const remote = Boolean(o.env['SSH_CONNECTION'] || o.env['SSH_TTY'])
  if (o.platform === 'darwin' || o.platform === 'win32') return remote ? 'device-code' : 'browser'
  return o.env['DISPLAY'] || o.env['WAYLAND_DISPLAY'] ? 'browser' : 'device-code'
}

export interface LoginOptions {
  env: Env
  cloud?: string | undefined
  tenant?: string | undefined
  method: LoginMethod
  signal?: AbortSignal
  /** Test seams. `sleep` is unused since MSAL polls at Entra's interval itself; kept for callers. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  openBrowser?: (url: string) => Promise<boolean>
  browserTimeoutMs?: number
  /** Extra trusted CA (PEM) for the authority host. */
  ca?: string
}

export interface LoginCallbacks {
  /** The device code sentence: print it on stderr. */
  onDeviceCode: (prompt: DeviceCodePrompt) => void
  /** The sign-in URL and whether a browser was started for it. */
  onBrowserUrl: (url: string, opened: boolean) => void
}

export interface LoginResult {
  username: string
  tenantId: string
  homeTenantId: string
  cloud: CloudName
  method: LoginMethod
  file: string
}

const TENANT =
  /^(organizations|common|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]*\.[a-z]{2,})$/i

export async function login(opts: LoginOptions, cb: LoginCallbacks): Promise<LoginResult> {
  const cloud = resolveCloud(opts.cloud, opts.env)
  const tenant = opts.tenant?.trim() || 'organizations'
  if (!TENANT.test(tenant)) {
    throw new InputError(
      'INVALID_TENANT',
      `--tenant "${shown(tenant)}" is not a tenant id or domain`,
      'Pass the directory (tenant) id, e.g. --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47, or a domain like contoso.onmicrosoft.com',
    )
  }
  const endpoint = {
    authorityHost: cloud.authorityHost,
    tenant,
    clientId: AZURE_CLI_CLIENT_ID,
    ...(opts.ca ? {ca: opts.ca} : {}),
  }
  const scopes = [cloud.armScope]
  const signal = opts.signal ? {signal: opts.signal} : {}
  let set: SignInResult
  if (opts.method === 'device-code') {
    set = await signInWithDeviceCode({...endpoint, scopes, onPrompt: cb.onDeviceCode, ...signal})
  } else {
    set = await signInWithBrowser({
      ...endpoint,
      scopes,
      onUrl: cb.onBrowserUrl,
      ...signal,
      ...(opts.openBrowser ? {openBrowser: opts.openBrowser} : {}),
      ...(opts.browserTimeoutMs ? {timeoutMs: opts.browserTimeoutMs} : {}),
    })
  }
  const {username, oid, homeTenant, homeAccountId} = set.account
  const tenantId = tenant === 'organizations' || tenant === 'common' ? homeTenant || set.account.tenantId : tenant
  const file = await writeLogin(opts.env, {
    tenantId,
    clientId: AZURE_CLI_CLIENT_ID,
    account: {username, oid, homeTenant, homeAccountId},
    cloud: cloud.name,
    authorityHost: cloud.authorityHost,
    msalCache: set.msalCache,
  })
  return {username, tenantId, homeTenantId: homeTenant, cloud: cloud.name, method: opts.method, file}
}

export async function logout(opts: {env: Env}): Promise<{removed: boolean; file: string}> {
  const {removed, path} = await deleteLogin(opts.env)
  return {removed, file: path}
}

export interface Principal {
  type: 'user' | 'servicePrincipal' | 'managedIdentity'
  name?: string
  objectId?: string
  appId?: string
}

export interface WhoAmI {
  tenantId?: string
  subscriptionId: string
  subscriptionName?: string
  subscriptionSource: SubscriptionSource
  principal: Principal
  credential?: CredentialName
  cloud: CloudName
  armEndpoint: string
}

const SERVICE_PRINCIPAL_CREDENTIALS = new Set([
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'GitHubOidcCredential',
])

/** Reads who the token is for from its claims; the token itself is dropped here. */
export function principalFromClaims(claims: Record<string, unknown> | undefined, answeredBy?: string): Principal {
  const c = claims ?? {}
  const str = (k: string) => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined)
  const put = (p: Principal, k: 'name' | 'objectId' | 'appId', v: string | undefined) => {
    if (v) p[k] = v
  }
  const userName = str('upn') ?? str('preferred_username') ?? str('unique_name') ?? str('email')
  const appId = str('appid') ?? str('azp')
  let type: Principal['type']
  if (str('xms_mirid') || answeredBy === 'ManagedIdentityCredential') type = 'managedIdentity'
  else if (str('idtyp') === 'user' || (str('idtyp') !== 'app' && userName)) type = 'user'
  else if (claims || SERVICE_PRINCIPAL_CREDENTIALS.has(answeredBy ?? '')) type = 'servicePrincipal'
  else type = 'user'
  const p: Principal = {type}
  if (type === 'user') put(p, 'name', userName)
  else if (type === 'managedIdentity') put(p, 'name', str('xms_mirid')?.split('/').pop())
  else put(p, 'name', str('app_displayname'))
  put(p, 'objectId', str('oid'))
  if (type !== 'user') put(p, 'appId', appId)
  return p
}

export async function whoami(ctx: AzureContext): Promise<WhoAmI> {
  const token = await ctx.credential.getToken(ctx.cloud.armScope)
  const claims = decodeJwtClaims(token.token)
  const tenantId = (typeof claims?.['tid'] === 'string' ? claims['tid'] : undefined) ?? ctx.tenantId
  const out: WhoAmI = {
    subscriptionId: ctx.subscriptionId,
    subscriptionSource: ctx.subscriptionSource,
    principal: principalFromClaims(claims, ctx.credential.answeredBy),
    cloud: ctx.cloud.name,
    armEndpoint: ctx.cloud.armEndpoint,
  }
  if (tenantId) out.tenantId = tenantId
  const name = ctx.subscriptionName ?? (await subscriptionName(ctx.credential, ctx.cloud, ctx.subscriptionId))
  if (name) out.subscriptionName = name
  if (ctx.credential.answeredBy) out.credential = ctx.credential.answeredBy
  return out
}
