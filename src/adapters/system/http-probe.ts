/** One HTTPS GET against the app, for health checks. Nothing but the status is read; nothing is sent but a GET. */
import {request} from 'node:https'
import type {Clock, HttpProbe} from '../../ports/index.js'

export function createHttpProbe(timeoutMs = 10_000): HttpProbe {
  return {
    get(url, signal) {
      return new Promise((resolve) => {
        let settled = false
        const done = (v: number | null) => {
          if (!settled) {
            settled = true
            resolve(v)
          }
        }
        try {
          const req = request(
            url,
            {method: 'GET', signal, timeout: timeoutMs, headers: {'user-agent': 'azdeploy-health/0.1'}},
            (res) => {
              res.resume()
              done(res.statusCode ?? null)
            },
          )
          req.on('timeout', () => req.destroy(new Error('timeout')))
          req.on('error', () => done(null))
          req.end()
        } catch {
          done(null)
        }
      })
    },
  }
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(t)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, {once: true})
    }),
}
