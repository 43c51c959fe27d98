/**
 * Pipeline policies that bound every ARM exchange (types only from @azure/*):
 * - `commandSignalPolicy` (per call, before the SDK's retry policy): the command's AbortSignal joins the request's,
 *   so Ctrl-C (or the lead's --timeout) ends a request, its retry waits and long-running-operation polling even
 *   when an SDK call was made without `abortSignal`.
 * - `deadlinePolicy` (per attempt): a WALL-CLOCK deadline from sending to the last body byte (the SDK's own
 *   `timeout` stops at the headers). A server that accepts and never answers fails with `ARM_TIMEOUT` (exit 4),
 *   which the SDK does not retry.
 * - `capRetryAfterPolicy` (per attempt, so the SDK's throttling retry sees the rewritten answer): a 429/503 asking
 *   to wait longer than 60 s (Retry-After seconds or date, retry-after-ms, x-ms-retry-after-ms) is cut to 60 s and
 *   the cut is written to the --verbose trace.
 */
import type {PipelinePolicy} from '@azure/core-rest-pipeline'
import {RejectedError} from '../../core/errors.js'
import {formatMs} from '../http/request.js'
import {MAX_RETRY_DELAY_MS, serverRetryAfterMs} from '../http/retry.js'

export const DEFAULT_ARM_TIMEOUT_MS = 60_000

type Signal = NonNullable<Parameters<PipelinePolicy['sendRequest']>[0]['abortSignal']>

function join(a: Signal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a as AbortSignal, b]) : b
}

export function commandSignalPolicy(signal: AbortSignal): PipelinePolicy {
  return {
    name: 'azdeployCommandSignal',
    sendRequest(request, next) {
      request.abortSignal = join(request.abortSignal, signal)
      return next(request)
    },
  }
}

export function deadlinePolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'azdeployDeadline',
    async sendRequest(request, next) {
      const deadline = new AbortController()
      const timer = setTimeout(() => deadline.abort(), Math.max(1, timeoutMs))
      const own = request.abortSignal
      request.abortSignal = join(own, deadline.signal)
      try {
        return await next(request)
      } catch (e) {
        if (deadline.signal.aborted && !own?.aborted) {
          const path = new URL(request.url).pathname
          throw new RejectedError(
            'ARM_TIMEOUT',
            `Azure Resource Manager gave no complete answer to ${request.method} ${path} within ${formatMs(timeoutMs)}`,
            'Azure may be slow or unreachable through your network or proxy; retry in a minute, or run with --verbose',
            {cause: e},
          )
        }
        throw e
      } finally {
        clearTimeout(timer)
        request.abortSignal = own
      }
    },
  }
}

const WAIT_HEADERS = ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms']

export function capRetryAfterPolicy(debug: (line: string) => void, capMs = MAX_RETRY_DELAY_MS): PipelinePolicy {
  const cap = Math.min(capMs, MAX_RETRY_DELAY_MS)
  return {
    name: 'azdeployCapRetryAfter',
    async sendRequest(request, next) {
      const response = await next(request)
      if (response.status !== 429 && response.status !== 503) return response
      const asked = serverRetryAfterMs({get: (n) => response.headers.get(n)})
      if (asked !== undefined && asked > cap) {
        for (const h of WAIT_HEADERS) response.headers.delete(h)
        response.headers.set('retry-after-ms', String(cap))
        debug(
          `${request.method} ${new URL(request.url).pathname}: Azure asked to retry after ${formatMs(Math.round(asked))}; capped at ${formatMs(cap)}`,
        )
      }
      return response
    },
  }
}
