/** Loopback networking for local runs: a free host port, and one plain-HTTP GET like App Service's ping. */
import {createServer} from 'node:net'
import {httpRequest} from '../http/request.js'

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
export async function httpStatus(url: string, timeoutMs: number, signal: AbortSignal): Promise<number | null> {
  try {
    const res = await httpRequest({
      url,
      headers: {'user-agent': 'azdeploy-local/0.1'},
      agent: false,
      headersOnly: true,
      timeoutMs: Math.max(1, timeoutMs),
      signal,
    })
    return res.status
  } catch {
    return null
  }
}
