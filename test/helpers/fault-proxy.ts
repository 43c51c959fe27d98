// A loopback HTTPS proxy in front of a test registry that can break chosen requests, for retry tests. Requests are
// streamed through unchanged (Host included, so the registry's absolute upload Locations point back at the proxy).
// `shouldFail(req, n)` is asked for each request (n counts from 1); a failing request has its first `partialBytes`
// of body forwarded (default 0: nothing), then both connections are cut, as a network drop would.
// `respond(req, n)` may instead answer a request itself: a status (+ headers), `hang` (read it, never answer) or
// `reset` (read it, destroy the connection); the registry never sees it.
import type http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {ensureTestCa} from './tls.js'

export interface FaultProxy {
  host: string
  url: string
  /** method + path of every request seen, and whether it was broken. */
  seen: Array<{method: string; path: string; failed: boolean}>
  stop(): Promise<void>
}

export interface FaultProxyOptions {
  target: string
  shouldFail?: (req: http.IncomingMessage, n: number) => boolean
  partialBytes?: number
  respond?: (req: http.IncomingMessage, n: number) => ProxyAnswer | undefined
}

export type ProxyAnswer = {status: number; headers?: Record<string, string>} | 'hang' | 'reset'

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const tls = ensureTestCa()
  const seen: FaultProxy['seen'] = []
  let n = 0
  const server = https.createServer({cert: tls.cert, key: tls.key}, (req, res) => {
    const k = ++n
    const answer = opts.respond?.(req, k)
    if (answer) {
      seen.push({method: req.method ?? '', path: req.url ?? '', failed: true})
      req.resume()
      req.on('end', () => {
        if (answer === 'reset') req.socket.destroy()
        else if (answer !== 'hang') {
          res.writeHead(answer.status, {'content-type': 'application/json', ...answer.headers})
          res.end(JSON.stringify({errors: [{code: 'UNAVAILABLE', message: 'injected fault'}]}))
        }
      })
      return
    }
    const fail = opts.shouldFail?.(req, k) ?? false
    seen.push({method: req.method ?? '', path: req.url ?? '', failed: fail})
    const up = https.request(
      new URL(req.url ?? '/', opts.target),
      {method: req.method, headers: req.headers, ca: tls.ca},
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      },
    )
    up.on('error', () => res.destroy())
    if (!fail) {
      req.pipe(up)
      return
    }
    const limit = opts.partialBytes ?? 0
    let forwarded = 0
    const cut = () => {
      up.destroy()
      req.socket.destroy()
    }
    if (limit === 0) return cut()
    req.on('data', (c: Buffer) => {
      if (forwarded >= limit) return
      const part = c.subarray(0, limit - forwarded)
      forwarded += part.length
      up.write(part, () => {
        if (forwarded >= limit) setImmediate(cut)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    url: `https://${host}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
