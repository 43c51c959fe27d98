// A local HTTPS stand-in for Entra ID (v2 endpoints) on 127.0.0.1 with the test CA, enough for MSAL and
// @azure/identity: OpenID metadata, device code, authorize (a 302 back to the loopback redirect), and the token
// endpoint for the device code, authorization code (PKCE S256 checked), refresh token (rotated) and client
// assertion grants. Point AZURE_AUTHORITY_HOST at `url` (children trust it through NODE_EXTRA_CA_CERTS; in-process
// callers pass `ca`). Every request is logged; behaviour is scripted through the public fields.
import {createHash, randomBytes} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {registerSecret} from './secret-scan.js'
import {ensureTestCa} from './tls.js'

export interface StandInRequest {
  method: string
  path: string
  form: Record<string, string>
  query: Record<string, string>
}

export interface User {
  tid: string
  oid: string
  username: string
}

export const jwtOf = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`

export interface EntraStandIn {
  url: string
  ca: string
  caCertPath: string
  requests: StandInRequest[]
  user: User
  /** Answers of successive device-code polls: 'ok' issues tokens, anything else is the OAuth error code. */
  devicePolls: string[]
  /** Device code `interval` (s) and `expires_in` (s). */
  deviceInterval: number
  deviceExpiresIn: number
  /** Lifetime of issued access tokens (s). */
  accessTokenLifetime: number
  /** When set, the access token issued to users (a fixed value the ARM emulator can expect). */
  userAccessToken: string | undefined
  /** The access token issued for client assertions (a fixed value the ARM emulator can expect). */
  appAccessToken: string
  /** When set, client-assertion grants fail with this AADSTS error text (e.g. the AADSTS70021 one). */
  assertionError: string | undefined
  /** Client assertions received, in order. */
  assertions: string[]
  /** Refresh tokens currently valid (rotated at each redemption); revoke() empties it. */
  refreshTokens: Set<string>
  revoke(): void
  tokenRequests(grant?: string): StandInRequest[]
  close(): Promise<void>
}

export async function startEntraStandIn(opts: {user?: Partial<User>} = {}): Promise<EntraStandIn> {
  const tls = ensureTestCa()
  const codes = new Map<string, {challenge: string; redirect: string; nonce?: string; clientId: string}>()
  const s: Omit<EntraStandIn, 'url' | 'close' | 'revoke' | 'tokenRequests'> & {url: string} = {
    url: '',
    ca: tls.ca,
    caCertPath: tls.caCertPath,
    requests: [],
    user: {
      tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      oid: '0b5c6d7e-0000-4000-8000-00000000abcd',
      username: 'dev@contoso.com',
      ...opts.user,
    },
    devicePolls: ['ok'],
    deviceInterval: 0,
    deviceExpiresIn: 900,
    accessTokenLifetime: 3600,
    userAccessToken: undefined,
    appAccessToken: jwtOf({aud: 'https://management.azure.com', idtyp: 'app', appid: 'app', oid: 'sp-oid'}),
    assertionError: undefined,
    assertions: [],
    refreshTokens: new Set<string>(),
  }

  const now = () => Math.floor(Date.now() / 1000)
  const userTokens = (_tenant: string, clientId: string, scope: string, nonce?: string) => {
    const {tid, oid, username} = s.user
    const rt = `RT-SECRET-${randomBytes(6).toString('hex')}`
    s.refreshTokens.add(rt)
    registerSecret(rt, 'an Entra refresh token (entra-stand-in)')
    const iss = `${s.url}/${tid}/v2.0`
    const resource =
      scope
        .split(' ')
        .find((x) => x.endsWith('/.default'))
        ?.replace(/\/\.default$/, '') ?? ''
    return {
      token_type: 'Bearer',
      scope,
      expires_in: s.accessTokenLifetime,
      ext_expires_in: s.accessTokenLifetime,
      access_token:
        s.userAccessToken ??
        jwtOf({aud: resource, tid, oid, upn: username, idtyp: 'user', exp: now() + s.accessTokenLifetime}),
      refresh_token: rt,
      id_token: jwtOf({
        aud: clientId,
        iss,
        tid,
        oid,
        sub: `sub-${oid}`,
        preferred_username: username,
        name: 'Dev',
        ver: '2.0',
        iat: now(),
        nbf: now(),
        exp: now() + 3600,
        ...(nonce ? {nonce} : {}),
      }),
      client_info: Buffer.from(JSON.stringify({uid: oid, utid: tid})).toString('base64url'),
    }
  }
  const oauthError = (error: string, description = `AADSTS00000: ${error}`) => ({
    status: 400,
    body: {error, error_description: `${description}\r\nTrace ID: 00000000-0000-0000-0000-000000000000`},
  })

  function token(tenant: string, f: Record<string, string>): {status: number; body: unknown} {
    const grant = f['grant_type'] ?? ''
    const clientId = f['client_id'] ?? ''
    const scope = f['scope'] ?? ''
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      if (f['device_code'] !== 'DEVICE-CODE-SECRET') return oauthError('invalid_grant')
      const answer = s.devicePolls.length > 1 ? (s.devicePolls.shift() as string) : (s.devicePolls[0] ?? 'ok')
      return answer === 'ok' ? {status: 200, body: userTokens(tenant, clientId, scope)} : oauthError(answer)
    }
    if (grant === 'authorization_code') {
      const c = codes.get(f['code'] ?? '')
      codes.delete(f['code'] ?? '')
      const derived = createHash('sha256')
        .update(f['code_verifier'] ?? '')
        .digest('base64url')
      if (!c || c.redirect !== f['redirect_uri'] || derived !== c.challenge) {
        return oauthError('invalid_grant', 'AADSTS70008: The provided authorization code or PKCE verifier is invalid.')
      }
      return {status: 200, body: userTokens(tenant, clientId, scope, c.nonce)}
    }
    if (grant === 'refresh_token') {
      const rt = f['refresh_token'] ?? ''
      if (!s.refreshTokens.has(rt)) {
        return oauthError('invalid_grant', 'AADSTS700082: The refresh token has expired due to inactivity.')
      }
      s.refreshTokens.delete(rt)
      return {status: 200, body: userTokens(tenant, clientId, scope)}
    }
    if (grant === 'client_credentials' && f['client_assertion']) {
      s.assertions.push(f['client_assertion'])
      if (s.assertionError) return {status: 400, body: {error: 'invalid_client', error_description: s.assertionError}}
      return {
        status: 200,
        body: {
          token_type: 'Bearer',
          expires_in: s.accessTokenLifetime,
          ext_expires_in: s.accessTokenLifetime,
          access_token: s.appAccessToken,
        },
      }
    }
    return oauthError('unsupported_grant_type')
  }

  function handle(
    method: string,
    url: URL,
    form: Record<string, string>,
  ): {status: number; body?: unknown; location?: string} {
    const m = /^\/([^/]+)\/(.*)$/.exec(url.pathname)
    const tenant = decodeURIComponent(m?.[1] ?? '')
    const rest = m?.[2] ?? ''
    const base = `${s.url}/${tenant}`
    if (method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      return {
        status: 200,
        body: {
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_types_supported: ['code'],
          scopes_supported: ['openid', 'profile', 'offline_access'],
        },
      }
    }
    if (method === 'POST' && rest === 'oauth2/v2.0/devicecode') {
      return {
        status: 200,
        body: {
          device_code: 'DEVICE-CODE-SECRET',
          user_code: 'ABCD-EFGH',
          verification_uri: 'https://microsoft.com/devicelogin',
          expires_in: s.deviceExpiresIn,
          interval: s.deviceInterval,
          message:
            'To sign in, use a web browser to open https://microsoft.com/devicelogin and enter the code ABCD-EFGH',
        },
      }
    }
    if (method === 'GET' && rest === 'oauth2/v2.0/authorize') {
      const q = url.searchParams
      const redirect = q.get('redirect_uri') ?? ''
      const code = `AUTH-CODE-${randomBytes(6).toString('hex')}`
      const nonce = q.get('nonce') ?? undefined
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        redirect,
        clientId: q.get('client_id') ?? '',
        ...(nonce ? {nonce} : {}),
      })
      const back = new URL(redirect)
      back.searchParams.set('code', code)
      if (q.get('state')) back.searchParams.set('state', q.get('state') ?? '')
      back.searchParams.set(
        'client_info',
        Buffer.from(JSON.stringify({uid: s.user.oid, utid: s.user.tid})).toString('base64url'),
      )
      return {status: 302, location: back.toString()}
    }
    if (method === 'POST' && rest === 'oauth2/v2.0/token') return token(tenant, form)
    return {status: 404, body: {error: 'not_found', error_description: `stand-in: no ${method} ${url.pathname}`}}
  }

  const server: Server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', s.url)
      const method = (req.method ?? 'GET').toUpperCase()
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      s.requests.push({method, path: url.pathname, form, query: Object.fromEntries(url.searchParams)})
      const r = handle(method, url, form)
      if (r.location) {
        res.writeHead(r.status, {location: r.location, connection: 'close'})
        return res.end()
      }
      res.writeHead(r.status, {'content-type': 'application/json; charset=utf-8', connection: 'close'})
      res.end(JSON.stringify(r.body ?? {}))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(s, {
    revoke: () => s.refreshTokens.clear(),
    tokenRequests: (grant?: string) =>
      s.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token') && (!grant || r.form['grant_type'] === grant)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
