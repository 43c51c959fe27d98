/** Loopback networking for local runs: a free host port, and one plain-HTTP GET like App Service's ping. */
import {request} from 'node:http'
import {createServer} from 'node:net'

/** A TCP port free on 127.0.0.1 right now (the engine binds it a moment later). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** GET url; the status of any HTTP answer, or null (refused, reset, not HTTP, or no answer within timeoutMs). */
export function httpStatus(url: string, timeoutMs: number, signal: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    let settled = false
    const done = (v: number | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(v)
    }
    const req = request(url, {method: 'GET', agent: false, signal, headers: {'user-agent': 'azdeploy-local/0.1'}})
    const timer = setTimeout(() => req.destroy(new Error('timeout')), Math.max(1, timeoutMs))
    req.on('response', (res) => {
      res.resume()
      done(res.statusCode ?? null)
      req.destroy()
    })
    req.on('error', () => done(null))
    req.end()
  })
}
