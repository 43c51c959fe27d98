/**
 * Where `azdeploy login` keeps its refresh token, and the credential that redeems it.
 * File: `$AZDEPLOY_CONFIG_DIR/login.json`, else `$XDG_CONFIG_HOME/azdeploy/login.json`, else
 * `~/.config/azdeploy/login.json`; mode 0600 in a 0700 directory, replaced atomically (write + rename).
 * Plain file on purpose: a native keychain module cannot be installed offline. No access token is ever written.
 */
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import type {CloudInfo, CloudName} from '../../core/cloud.js'
import {AuthError} from '../../core/errors.js'
import {readKnobs} from '../../core/knobs.js'
import {Secret} from '../../core/secret.js'
import {EntraError, redeemRefreshToken} from './entra-oauth.js'

type Env = Record<string, string | undefined>

export interface StoredAccount {
  username: string
  oid: string
  homeTenant: string
}

export interface StoredLogin {
  tenantId: string
  clientId: string
  refreshToken: string
  account: StoredAccount
  cloud: CloudName
  savedAt?: string
}

/**
 * Marks "this credential cannot answer here, try the next one". Named like @azure/identity's error so both our
 * chain and ChainedTokenCredential move on (they compare `err.name`).
 */
export class CredentialUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialUnavailableError'
  }
}

export function loginFilePath(env: Env): string {
  const {configDir} = readKnobs(env)
  if (configDir) return join(configDir, 'login.json')
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config')
  return join(base, 'azdeploy', 'login.json')
}

function isLogin(v: unknown): v is StoredLogin {
  if (!v || typeof v !== 'object') return false
  const o = v as Record<string, unknown>
  const account = o['account'] as Record<string, unknown> | undefined
  return (
    typeof o['tenantId'] === 'string' &&
    typeof o['clientId'] === 'string' &&
    typeof o['refreshToken'] === 'string' &&
    typeof o['cloud'] === 'string' &&
    !!account &&
    typeof account['username'] === 'string'
  )
}

/** undefined when nobody logged in; CredentialUnavailable when the file exists but cannot be used. */
export async function readLogin(env: Env): Promise<StoredLogin | undefined> {
  const path = loginFilePath(env)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new CredentialUnavailable(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!isLogin(parsed)) throw new CredentialUnavailable(`${path} is not a login saved by azdeploy`)
  return parsed
}

export async function writeLogin(env: Env, login: StoredLogin): Promise<string> {
  const path = loginFilePath(env)
  const dir = dirname(path)
  await mkdir(dir, {recursive: true, mode: 0o700})
  if (process.platform !== 'win32') await chmod(dir, 0o700)
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, `${JSON.stringify({...login, savedAt: new Date().toISOString()}, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    })
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, {force: true})
    throw e
  }
  return path
}

export async function deleteLogin(env: Env): Promise<{removed: boolean; path: string}> {
  const path = loginFilePath(env)
  let removed = true
  try {
    await rm(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    removed = false
  }
  return {removed, path}
}

export interface StoredLoginCredentialOptions {
  env: Env
  cloud: CloudInfo
  /** Ask for tokens in this tenant instead of the one saved at login. */
  tenantId?: string
  now?: () => number
}

/** Refreshes a token 2 minutes before it expires, like the SDK's token cycler. */
const EXPIRY_MARGIN_MS = 2 * 60_000

/** Redeems the stored refresh token for any scope (ARM, ACR), saving rotated refresh tokens. */
export class StoredLoginCredential implements TokenCredential {
  readonly #env: Env
  readonly #cloud: CloudInfo
  readonly #now: () => number
  readonly #tenantId: string | undefined
  readonly #cache = new Map<string, AccessToken>()
  readonly #inflight = new Map<string, Promise<AccessToken>>()
  #login: StoredLogin | undefined

  constructor(opts: StoredLoginCredentialOptions) {
    this.#env = opts.env
    this.#cloud = opts.cloud
    this.#now = opts.now ?? Date.now
    this.#tenantId = opts.tenantId
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const login = await this.#load()
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(' ')
    const tenant = options?.tenantId || this.#tenantId || login.tenantId
    const key = `${tenant}|${scope}`
    const cached = this.#cache.get(key)
    if (cached && cached.expiresOnTimestamp - EXPIRY_MARGIN_MS > this.#now()) return cached
    let pending = this.#inflight.get(key)
    if (!pending) {
      pending = this.#refresh(login, tenant, scope).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, pending)
    }
    return pending
  }

  async #load(): Promise<StoredLogin> {
    if (this.#login) return this.#login
    const login = await readLogin(this.#env)
    if (!login) throw new CredentialUnavailable('no `azdeploy login` saved')
    if (login.cloud !== this.#cloud.name) {
      throw new CredentialUnavailable(`the saved login is for ${login.cloud}, not ${this.#cloud.name}`)
    }
    this.#login = login
    return login
  }

  async #refresh(login: StoredLogin, tenant: string, scope: string): Promise<AccessToken> {
    let set: Awaited<ReturnType<typeof redeemRefreshToken>>
    try {
      set = await redeemRefreshToken({
        authorityHost: this.#cloud.authorityHost,
        tenant,
        clientId: login.clientId,
        refreshToken: new Secret((this.#login ?? login).refreshToken),
        scopes: [scope, 'offline_access'],
        now: this.#now,
      })
    } catch (e) {
      if (!(e instanceof EntraError)) throw e
      if (e.error === 'invalid_grant' || e.error === 'interaction_required') {
        throw new AuthError(
          'LOGIN_EXPIRED',
          `The azdeploy login for ${login.account.username} has expired or was revoked (${e.description})`,
          'Run `azdeploy login` again',
          {cause: e},
        )
      }
      const message = `Entra ID refused the saved login (${e.error}): ${e.description}`
      throw new AuthError('LOGIN_FAILED', message, 'Run `azdeploy login` again', {cause: e})
    }
    const rotated = set.refreshToken?.reveal()
    const current = this.#login ?? login
    if (rotated && rotated !== current.refreshToken) {
      this.#login = {...current, refreshToken: rotated}
      await writeLogin(this.#env, this.#login)
    }
    const token: AccessToken = {
      token: set.accessToken.reveal(),
      expiresOnTimestamp: set.expiresOnTimestamp,
      tokenType: 'Bearer',
    }
    this.#cache.set(`${tenant}|${scope}`, token)
    return token
  }
}
