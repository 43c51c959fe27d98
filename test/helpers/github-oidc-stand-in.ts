// A local HTTPS stand-in for GitHub Actions' ID-token service (ACTIONS_ID_TOKEN_REQUEST_URL): answers
// `GET /idtoken?api-version=2.0&audience=<aud>` with `{"value": "<jwt>"}` when the bearer matches. Each token's
// `exp` is now + `lifetimeSeconds`; `sub` is scriptable (e.g. an environment subject).
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {jwtOf} from './entra-stand-in.js'
import {registerSecret} from './secret-scan.js'
import {ensureTestCa} from './tls.js'

export interface GitHubOidcStandIn {
  /** The value for ACTIONS_ID_TOKEN_REQUEST_URL (already has a query string). */
  requestUrl: string
  requestToken: string
  /** Audiences asked for, one per request. */
  audiences: string[]
  issued: string[]
  lifetimeSeconds: number
  sub: string
  /** HTTP status to answer with instead of a token. */
  failWith: number | undefined
  close(): Promise<void>
}

export async function startGitHubOidcStandIn(): Promise<GitHubOidcStandIn> {
  const tls = ensureTestCa()
  const s = {
    requestUrl: '',
    requestToken: 'gh-request-token-SECRET',
    audiences: [] as string[],
    issued: [] as string[],
    lifetimeSeconds: 600,
    sub: 'repo:octo-org/web:ref:refs/heads/main',
    failWith: undefined as number | undefined,
  }
  let n = 0
  const server: Server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    req.resume()
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {'content-type': 'application/json', connection: 'close'})
      res.end(JSON.stringify(body))
    }
    if (url.pathname !== '/idtoken' || url.searchParams.get('api-version') !== '2.0') return send(404, {})
    if (req.headers.authorization !== `Bearer ${s.requestToken}`) return send(401, {message: 'bad bearer'})
    if (s.failWith) return send(s.failWith, {message: 'refused'})
    const audience = url.searchParams.get('audience') ?? ''
    s.audiences.push(audience)
    const now = Math.floor(Date.now() / 1000)
    const value = jwtOf({
      iss: 'https://token.actions.githubusercontent.com',
      aud: audience,
      sub: s.sub,
      jti: `jti-${++n}`,
      iat: now,
      nbf: now,
      exp: now + s.lifetimeSeconds,
    })
    s.issued.push(value)
    registerSecret(value, 'a GitHub OIDC ID token (github-oidc-stand-in)')
    send(200, {value})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  s.requestUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/idtoken?api-version=2.0`
  return Object.assign(s, {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
