// An HTTPS server on loopback that behaves like Azure Container Registry's data-plane auth in front of a real
// registry: 401 + Bearer challenge on /v2/*, POST /oauth2/exchange (AAD token → refresh JWT), POST /oauth2/token
// (refresh → access JWT bound to the scopes asked for), then /v2/* proxied to the backing registry with its basic
// auth. With `redirectBlobs`, blob GETs are answered with a 307 to a second "storage" server on `localhost` (another
// host, like ACR's redirect to blob storage) which records whether an Authorization header reached it.
import {randomBytes} from 'node:crypto'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {registerSecret} from './secret-scan.js'
import {ensureTestCa} from './tls.js'

export interface RecordedRequest {
  server: 'front' | 'storage'
  method: string
  path: string
  authorization?: string
  body: string
}

export interface AcrFront {
  /** 127.0.0.1:PORT, also the ACR `service` name */
  host: string
  url: string
  ca: string
  requests: RecordedRequest[]
  stop(): Promise<void>
}

export interface AcrFrontOptions {
  backend: {url: string; auth?: {username: string; password: string}}
  /** The only AAD token /oauth2/exchange accepts. */
  aadToken: string
  /** The tenant the exchange must name, when set. */
  tenantId?: string
  redirectBlobs?: boolean
  /** Grant only pull: tokens asked for `pull,push` come back with `pull` (an identity without AcrPush). */
  pullOnly?: boolean
}

const jwt = (claims: Record<string, unknown>) =>
  [{alg: 'none', typ: 'JWT'}, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') +
  `.${randomBytes(8).toString('hex')}`

function readRaw(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

const readBody = async (req: import('node:http').IncomingMessage) => (await readRaw(req)).toString('utf8')

function listen(server: https.Server, hostname: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, hostname, () => resolve((server.address() as AddressInfo).port)))
}

export async function startAcrFront(opts: AcrFrontOptions): Promise<AcrFront> {
  const tls = ensureTestCa()
  const requests: RecordedRequest[] = []
  const refreshTokens = new Set<string>()
  const accessTokens = new Map<string, string[]>()
  const backendAuth = opts.backend.auth
    ? `Basic ${Buffer.from(`${opts.backend.auth.username}:${opts.backend.auth.password}`).toString('base64')}`
    : undefined
  let host = ''
  let storageOrigin = ''

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, {'content-type': 'application/json', ...headers}).end(JSON.stringify(body))
  }

  /** A request to the backing registry (body and upload headers forwarded for pushes), streamed back to `res`. */
  const proxy = (
    method: string,
    path: string,
    accept: string | undefined,
    res: import('node:http').ServerResponse,
    fwd: {body?: Buffer; headers?: import('node:http').IncomingHttpHeaders} = {},
  ) => {
    const headers: Record<string, string> = {}
    if (accept) headers['accept'] = accept
    for (const h of ['content-type', 'content-range']) {
      const v = fwd.headers?.[h]
      if (typeof v === 'string') headers[h] = v
    }
    if (fwd.body) headers['content-length'] = String(fwd.body.length)
    if (backendAuth) headers['authorization'] = backendAuth
    const up = https.request(new URL(path, opts.backend.url), {method, headers, ca: tls.ca}, (r) => {
      const out: Record<string, string | string[]> = {}
      for (const h of ['content-type', 'content-length', 'docker-content-digest', 'location', 'range']) {
        const v = r.headers[h]
        if (v !== undefined) out[h] = v
      }
      // Upload Locations name the backend: answer with the path only, so the client stays on the front.
      if (typeof out['location'] === 'string' && out['location'].startsWith(opts.backend.url)) {
        out['location'] = out['location'].slice(opts.backend.url.length)
      }
      res.writeHead(r.statusCode ?? 502, out)
      r.pipe(res)
    })
    up.on('error', () => json(res, 502, {errors: [{code: 'UNAVAILABLE', message: 'backend unreachable'}]}))
    up.end(fwd.body)
  }

  const front = https.createServer({cert: tls.cert, key: tls.key}, async (req, res) => {
    const url = new URL(req.url ?? '/', `https://${host}`)
    const raw = await readRaw(req)
    const body = raw.length > 65536 ? '' : raw.toString('utf8')
    requests.push({
      server: 'front',
      method: req.method ?? '',
      path: url.pathname + url.search,
      body,
      authorization: req.headers.authorization,
    })
    if (req.method === 'POST' && url.pathname === '/oauth2/exchange') {
      const form = new URLSearchParams(body)
      const ok =
        form.get('grant_type') === 'access_token' &&
        form.get('service') === host &&
        form.get('access_token') === opts.aadToken &&
        (!opts.tenantId || form.get('tenant') === opts.tenantId)
      if (!ok) return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'invalid AAD access token'}]})
      const refresh = jwt({exp: Math.floor(Date.now() / 1000) + 3600, grant_type: 'refresh_token', iss: host})
      refreshTokens.add(refresh)
      registerSecret(refresh, 'an ACR refresh token (acr-front)')
      return json(res, 200, {refresh_token: refresh})
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = new URLSearchParams(body)
      if (form.get('grant_type') !== 'refresh_token' || !refreshTokens.has(form.get('refresh_token') ?? '')) {
        return json(res, 401, {errors: [{code: 'UNAUTHORIZED', message: 'invalid refresh token'}]})
      }
      const scopes = form.getAll('scope').map((s) => (opts.pullOnly ? s.replace(/:pull,push$/, ':pull') : s))
      const access = jwt({exp: Math.floor(Date.now() / 1000) + 3600, access: scopes})
      accessTokens.set(access, scopes)
      registerSecret(access, 'an ACR access token (acr-front)')
      return json(res, 200, {access_token: access})
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)
    if (!url.pathname.startsWith('/v2/')) return json(res, 404, {errors: [{code: 'NOT_FOUND', message: 'no route'}]})
    const scope = m ? `repository:${m[1]}:pull` : undefined
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const granted = bearer ? accessTokens.get(bearer) : undefined
    const write = !['GET', 'HEAD'].includes(req.method ?? 'GET')
    const allowed = (s: string) => (write ? s === `${scope},push` : s === scope || s === `${scope},push`)
    if (!granted || (scope && !granted.some(allowed))) {
      const wanted = scope && write ? `${scope},push` : scope
      const challenge = `Bearer realm="https://${host}/oauth2/token",service="${host}"${wanted ? `,scope="${wanted}"` : ''}`
      return json(
        res,
        401,
        {errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]},
        {
          'www-authenticate': challenge,
        },
      )
    }
    if (opts.redirectBlobs && m?.[2] === 'blobs') {
      res.writeHead(307, {location: `${storageOrigin}/blob${url.pathname}?sig=${randomBytes(6).toString('hex')}`}).end()
      return
    }
    proxy(req.method ?? 'GET', url.pathname + url.search, req.headers.accept, res, {body: raw, headers: req.headers})
  })

  const storage = https.createServer({cert: tls.cert, key: tls.key}, async (req, res) => {
    const url = new URL(req.url ?? '/', storageOrigin)
    requests.push({
      server: 'storage',
      method: req.method ?? '',
      path: url.pathname,
      body: await readBody(req),
      authorization: req.headers.authorization,
    })
    if (!url.pathname.startsWith('/blob/v2/') || !url.searchParams.get('sig')) return json(res, 403, {})
    proxy('GET', url.pathname.slice('/blob'.length), undefined, res)
  })

  host = `127.0.0.1:${await listen(front, '127.0.0.1')}`
  storageOrigin = `https://localhost:${await listen(storage, '127.0.0.1')}`
  const close = (s: https.Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve())
      s.closeAllConnections()
    })
  return {
    host,
    url: `https://${host}`,
    ca: tls.ca,
    requests,
    stop: () => Promise.all([close(front), close(storage)]).then(() => undefined),
  }
}
