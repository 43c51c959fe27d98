/**
 * The saved `azdeploy login` as a TokenCredential: MSAL's silent flow over the saved cache (the refresh token
 * redeemed per scope and tenant, access tokens kept in memory, a rotated refresh token written back to the 0600
 * login file by the cache plugin). A login file from before MSAL (a bare refresh token) is redeemed once and
 * rewritten in the new form.
 */
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import type {CloudInfo} from '../../core/cloud.js'
import {AuthError} from '../../core/errors.js'
import {CredentialUnavailable, readLogin, type StoredLogin, writeLogin} from './login-store.js'
import {createMsalApp, HINT_RETRY, type MsalApp, signInError} from './msal-app.js'

type Env = Record<string, string | undefined>

export interface StoredLoginCredentialOptions {
  env: Env
  cloud: CloudInfo
  /** Ask for tokens in this tenant instead of the one saved at login. */
  tenantId?: string
  /** Extra trusted CA (PEM) for the authority host; tests pass their CA. */
  ca?: string
}

export class StoredLoginCredential implements TokenCredential {
  readonly #o: StoredLoginCredentialOptions
  readonly #inflight = new Map<string, Promise<AccessToken>>()
  #state: Promise<{login: StoredLogin; msal: MsalApp}> | undefined

  constructor(opts: StoredLoginCredentialOptions) {
    this.#o = opts
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.#state ??= this.#load()
    this.#state.catch(() => {
      this.#state = undefined
    })
    const {login, msal} = await this.#state
    const list = [scopes].flat()
    const tenant = options?.tenantId || this.#o.tenantId || login.tenantId
    const key = `${tenant}|${list.join(' ')}`
    let pending = this.#inflight.get(key)
    if (!pending) {
      pending = this.#acquire(login, msal, tenant, list).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, pending)
    }
    return pending
  }

  async #load(): Promise<{login: StoredLogin; msal: MsalApp}> {
    const {env, cloud} = this.#o
    const login = await readLogin(env)
    if (!login) throw new CredentialUnavailable('no `azdeploy login` saved')
    if (login.cloud !== cloud.name) {
      throw new CredentialUnavailable(`the saved login is for ${login.cloud}, not ${cloud.name}`)
    }
    if (login.authorityHost && login.authorityHost !== cloud.authorityHost) {
      throw new CredentialUnavailable(`the saved login is for ${login.authorityHost}, not ${cloud.authorityHost}`)
    }
    let current = login
    const msal = await createMsalApp({
      authorityHost: cloud.authorityHost,
      tenant: login.tenantId,
      clientId: login.clientId,
      ...(this.#o.ca ? {ca: this.#o.ca} : {}),
      ...(login.msalCache ? {cache: login.msalCache} : {}),
      onCacheChange: async (msalCache) => {
        const {refreshToken: _old, ...rest} = current
        current = {...rest, msalCache, authorityHost: cloud.authorityHost}
        await writeLogin(env, current)
      },
    })
    return {login, msal}
  }

  async #acquire(login: StoredLogin, msal: MsalApp, tenant: string, scopes: string[]): Promise<AccessToken> {
    const authority = msal.authority(tenant)
    let r: Awaited<ReturnType<MsalApp['app']['acquireTokenSilent']>> | null
    try {
      if (!login.msalCache && login.refreshToken) {
        r = await msal.app.acquireTokenByRefreshToken({
          refreshToken: login.refreshToken,
          scopes,
          authority,
          forceCache: true,
        })
        login.msalCache = msal.persisted()
      } else {
        const accounts = await msal.app.getTokenCache().getAllAccounts()
        const account = accounts.find((a) => a.homeAccountId === login.account.homeAccountId) ?? accounts[0]
        if (!account) throw new CredentialUnavailable('the saved login holds no account (run `azdeploy login`)')
        r = await msal.app.acquireTokenSilent({account, scopes, authority})
      }
    } catch (e) {
      if (e instanceof CredentialUnavailable) throw e
      throw this.#error(e, login, msal)
    }
    if (!r?.accessToken) throw new AuthError('LOGIN_FAILED', 'Entra ID answered without an access token', HINT_RETRY)
    return {
      token: r.accessToken,
      expiresOnTimestamp: r.expiresOn?.getTime() ?? Date.now() + 3600_000,
      tokenType: 'Bearer',
    }
  }

  #error(e: unknown, login: StoredLogin, msal: MsalApp): AuthError {
    const o = (e && typeof e === 'object' ? e : {}) as {errorCode?: string; errorMessage?: string; name?: string}
    const text = `${o.errorCode ?? ''} ${o.errorMessage ?? ''}`
    if (/invalid_grant|interaction_required|no_tokens_found|refresh_token_expired/.test(text)) {
      const why = (o.errorMessage ?? '').split(/\r?\n/)[0]?.trim() || o.errorCode || 'no usable refresh token'
      return new AuthError(
        'LOGIN_EXPIRED',
        `The azdeploy login for ${login.account.username} has expired or was revoked (${why})`,
        HINT_RETRY,
        {cause: e},
      )
    }
    return signInError(e, msal.net, this.#o.cloud.authorityHost, 'saved login')
  }
}
