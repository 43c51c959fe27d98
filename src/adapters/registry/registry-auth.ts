/**
 * Authentication for the OCI distribution API: `WWW-Authenticate` parsing, bearer tokens (anonymous, basic, and
 * Azure Container Registry's AAD exchange), Basic auth, an in-memory token cache, and the rule deciding which hosts
 * may receive credentials. HTTP goes through the `send` it is given (registry-http.ts).
 */

import {parse as parseDomain} from 'tldts'
import {AuthError, AzdeployError, RejectedError} from '../../core/errors.js'
import {isAcrLoginServer, registryApiHost} from '../../core/image-ref.js'
import type {RegistryCredentials} from '../../ports/index.js'
import type {HttpRequest, HttpResponse} from './exchange.js'

export type {RegistryCredentials}

export type Challenge = {scheme: 'bearer'; realm: string; service?: string; scope?: string} | {scheme: 'basic'}

/** Parses a `WWW-Authenticate` header; prefers a Bearer challenge over Basic. */
export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge | undefined {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '')
  const found: {scheme: string; params: Record<string, string>}[] = []
  let i = 0
  const skip = (chars: string) => {
    while (i < text.length && chars.includes(text[i] ?? '')) i++
  }
  while (i < text.length) {
    skip(' \t,')
    const start = i
    while (i < text.length && !' \t,='.includes(text[i] ?? '')) i++
    const name = text.slice(start, i)
    skip(' \t')
    if (text[i] !== '=') {
      if (name) found.push({scheme: name.toLowerCase(), params: {}})
      continue
    }
    i++
    skip(' \t')
    let value = ''
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) value += text[i] === '\\' ? (text[++i] ?? '') : text[i]
      i++
    } else {
      const vs = i
      while (i < text.length && !' \t,'.includes(text[i] ?? '')) i++
      value = text.slice(vs, i)
    }
    const current = found.at(-1)
    if (current && name) current.params[name.toLowerCase()] = value
  }
  const bearer = found.find((c) => c.scheme === 'bearer' && c.params['realm'])
  if (bearer) {
    const {realm = '', service, scope} = bearer.params
    const c: Challenge = {scheme: 'bearer', realm}
    if (service !== undefined) c.service = service
    if (scope !== undefined) c.scope = scope
    return c
  }
  return found.some((c) => c.scheme === 'basic') ? {scheme: 'basic'} : undefined
}

/**
 * ACR login servers are tenants' sibling hosts under a suffix the Public Suffix List does not list (it lists
 * azurewebsites.net, github.io, … in its private section, which tldts reads with allowPrivateDomains).
 */
const ACR_SHARED_SUFFIXES = ['azurecr.io', 'azurecr.cn', 'azurecr.us']

/** The registrable domain (eTLD+1, private suffixes included) by the Public Suffix List; undefined = exact hosts. */
function registrableDomain(host: string): string | undefined {
  if (ACR_SHARED_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return undefined
  const p = parseDomain(host, {allowPrivateDomains: true})
  if (p.isIp || !p.domain || (!p.isIcann && !p.isPrivate)) return undefined
  return p.domain
}

/**
 * May the token realm `realm` receive credentials meant for `registry`? Yes for the same host name, for
 * `auth.docker.io` when the registry is Docker Hub, and for another host under the same registrable domain
 * (e.g. registry.example.com → auth.example.com), but never across ACR (or other shared-suffix) tenants, IPs or
 * single-label hosts, and only over https.
 */
export function mayReceiveCredentials(registry: string, realm: URL): boolean {
  if (realm.protocol !== 'https:') return false
  const reg = new URL(`https://${registryApiHost(registry)}`).hostname
  const host = realm.hostname
  if (host === reg) return true
  if (reg === 'registry-1.docker.io' && host === 'auth.docker.io') return true
  const a = registrableDomain(reg)
  return a !== undefined && a === registrableDomain(host)
}

/** Decodes a JWT's `exp` (seconds) without verifying it; undefined if it is not a JWT with exp. */
function jwtExp(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return typeof payload?.exp === 'number' ? payload.exp : undefined
  } catch {
    return undefined
  }
}

interface Cached {
  header: string
  expiresAt: number
}

/** Token acquisition and caching for one registry and one set of credentials (lifetime of a client). */
export class RegistryAuth {
  readonly registry: string
  readonly #creds: RegistryCredentials
  readonly #send: (req: HttpRequest) => Promise<HttpResponse>
  readonly #cache = new Map<string, Cached>()
  #refresh: Cached | undefined

  constructor(registry: string, creds: RegistryCredentials, send: (req: HttpRequest) => Promise<HttpResponse>) {
    this.registry = registry
    this.#creds = creds
    this.#send = send
  }

  get credentialKind(): RegistryCredentials['kind'] {
    return this.#creds.kind
  }

  /** A cached `Authorization` header value for these scopes, if still valid. */
  cached(scopes: string[]): string | undefined {
    const hit = this.#cache.get(scopes.join(' '))
    return hit && hit.expiresAt > Date.now() ? hit.header : undefined
  }

  invalidate(scopes: string[]): void {
    this.#cache.delete(scopes.join(' '))
  }

  /** Answers a challenge: returns (and caches) the `Authorization` header value to retry with. */
  async authenticate(challenge: Challenge, scopes: string[], signal?: AbortSignal): Promise<string> {
    const creds = this.#creds
    let entry: Cached
    if (challenge.scheme === 'basic') {
      if (creds.kind !== 'basic') throw this.unauthorized('the registry asks for a username and password')
      const basic = Buffer.from(`${creds.username}:${creds.password.reveal()}`).toString('base64')
      entry = {header: `Basic ${basic}`, expiresAt: Number.POSITIVE_INFINITY}
    } else {
      entry = await this.#bearer(challenge, scopes, signal)
    }
    this.#cache.set(scopes.join(' '), entry)
    return entry.header
  }

  async #bearer(ch: Extract<Challenge, {scheme: 'bearer'}>, scopes: string[], signal?: AbortSignal): Promise<Cached> {
    let realm: URL
    try {
      realm = new URL(ch.realm)
    } catch {
      throw new RejectedError('REGISTRY_BAD_CHALLENGE', `Registry ${this.registry} named an invalid token realm`)
    }
    const creds = this.#creds
    if (creds.kind !== 'anonymous' && !mayReceiveCredentials(this.registry, realm)) {
      throw new AuthError(
        'REGISTRY_UNTRUSTED_REALM',
        `Registry ${this.registry} asked for credentials to be sent to ${realm.protocol}//${realm.host}, which is not the registry's own host or domain; azdeploy did not send them`,
        'Check that the registry name is right and that no proxy rewrites its responses; report it to the registry operator',
      )
    }
    const wanted = [...scopes]
    if (ch.scope) for (const s of ch.scope.split(' ')) if (!wanted.includes(s)) wanted.push(s)
    const form = new URLSearchParams()
    if (ch.service) form.set('service', ch.service)
    for (const s of wanted) form.append('scope', s)

    let res: HttpResponse
    if (creds.kind === 'aad') {
      const refresh = await this.#acrRefreshToken(ch.service ?? this.registry, creds, signal)
      form.set('grant_type', 'refresh_token')
      form.set('refresh_token', refresh)
      res = await this.#post(realm, form, signal)
    } else {
      const url = new URL(realm)
      for (const [k, v] of form) url.searchParams.append(k, v)
      const headers: Record<string, string> = {accept: 'application/json'}
      if (creds.kind === 'basic') {
        headers['authorization'] =
          `Basic ${Buffer.from(`${creds.username}:${creds.password.reveal()}`).toString('base64')}`
      }
      res = await this.#send({method: 'GET', url, headers, maxBytes: 1024 * 1024, signal})
    }
    if (res.status === 401 || res.status === 403) throw this.unauthorized('the token service refused the credentials')
    const body = this.#json(res)
    const token = body?.['access_token'] ?? body?.['token']
    if (typeof token !== 'string' || token === '') {
      throw new RejectedError(
        'REGISTRY_TOKEN_FAILED',
        `Registry ${this.registry} did not issue a token (${res.status})`,
      )
    }
    const expiresIn = typeof body?.['expires_in'] === 'number' ? body['expires_in'] : undefined
    const exp = jwtExp(token)
    const expiresAt = exp !== undefined ? exp * 1000 : Date.now() + (expiresIn ?? 60) * 1000
    return {header: `Bearer ${token}`, expiresAt: expiresAt - 10_000}
  }

  /** ACR: exchange the AAD token for a registry refresh token at `https://<registry>/oauth2/exchange`. */
  async #acrRefreshToken(
    service: string,
    creds: Extract<RegistryCredentials, {kind: 'aad'}>,
    signal?: AbortSignal,
  ): Promise<string> {
    if (this.#refresh && this.#refresh.expiresAt > Date.now()) return this.#refresh.header
    let aad: string
    try {
      aad = await creds.getToken()
    } catch (err) {
      if (err instanceof AzdeployError) throw err
      throw new AuthError(
        'AZURE_TOKEN_FAILED',
        `Could not get an Azure token to sign in to registry ${this.registry}`,
        'Sign in with `az login` (or set up a service principal / workload identity) and try again',
        {cause: err},
      )
    }
    const form = new URLSearchParams({grant_type: 'access_token', service, access_token: aad})
    if (creds.tenantId) form.set('tenant', creds.tenantId)
    const res = await this.#post(new URL(`https://${registryApiHost(this.registry)}/oauth2/exchange`), form, signal)
    if (res.status === 401 || res.status === 403 || res.status === 400) {
      throw this.unauthorized('the registry did not accept your Azure token')
    }
    const refresh = this.#json(res)?.['refresh_token']
    if (typeof refresh !== 'string' || refresh === '') {
      throw new RejectedError('REGISTRY_TOKEN_FAILED', `Registry ${this.registry} did not issue a refresh token`)
    }
    const exp = jwtExp(refresh)
    this.#refresh = {header: refresh, expiresAt: exp !== undefined ? exp * 1000 - 60_000 : Date.now() + 600_000}
    return refresh
  }

  #post(url: URL, form: URLSearchParams, signal?: AbortSignal): Promise<HttpResponse> {
    const headers = {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json'}
    const body = Buffer.from(form.toString())
    return this.#send({method: 'POST', url, headers, body, maxBytes: 1024 * 1024, signal})
  }

  #json(res: HttpResponse): Record<string, unknown> | undefined {
    if (res.status >= 500 || res.status === 429) {
      throw new RejectedError('REGISTRY_TOKEN_FAILED', `The token service of ${this.registry} failed (${res.status})`)
    }
    try {
      const v = JSON.parse(res.body.toString('utf8'))
      return v && typeof v === 'object' ? v : undefined
    } catch {
      return undefined
    }
  }

  /** The error for "the registry said no": names the registry and what is needed, never a credential. */
  unauthorized(detail: string): AuthError {
    const acr = isAcrLoginServer(this.registry)
    const kind = this.#creds.kind
    let hint: string
    if (acr && kind === 'aad') {
      hint =
        'Your Azure identity needs the AcrPull role on the registry (or Container Registry Repository Reader on ' +
        'ABAC-mode registries); no `az acr login` is needed: azdeploy uses your Azure login'
    } else if (kind === 'anonymous') {
      hint = acr
        ? 'Sign in with `az login` (azdeploy then uses your Azure login with the AcrPull role on the registry)'
        : 'Pass --registry-username and set AZDEPLOY_REGISTRY_PASSWORD to credentials that can pull this repository'
    } else {
      hint =
        'Check --registry-username and AZDEPLOY_REGISTRY_PASSWORD: they must be able to pull this repository' +
        (acr ? ' (or drop them to use your Azure login with the AcrPull role)' : '')
    }
    return new AuthError('REGISTRY_UNAUTHORIZED', `Registry ${this.registry} refused access: ${detail}`, hint)
  }
}
