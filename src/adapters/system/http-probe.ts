/**
 * One HTTPS GET against the app, for health checks. Nothing but the status is read (the answer ends at its
 * headers); nothing is sent but a GET. A wall-clock deadline (default 10 s) bounds a server that accepts and never
 * answers; the signal ends it at once. Any failure is `null`.
 */

import type {Clock, HttpProbe} from '../../ports/index.js'
import {httpRequest} from '../http/request.js'

export function createHttpProbe(timeoutMs = 10_000, debug?: (line: string) => void): HttpProbe {
  return {
    async get(url, signal) {
      try {
        const res = await httpRequest({
          url,
          headers: {'user-agent': 'azdeploy-health/0.1'},
          headersOnly: true,
          timeoutMs,
          signal,
          ...(debug ? {debug} : {}),
        })
        return res.status
      } catch {
        return null
      }
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
