/**
 * Waiting for a local container to answer HTTP, like App Service's start-up ping: GET with backoff (≤ 1 s) until
 * any HTTP answer (2xx/3xx with a health path), the main process exits, or the start time limit passes. Meanwhile
 * the listening sockets are peeked at: a server bound to loopback on the expected port cannot become reachable
 * (the port is taken), so that ends the wait early; a server on another port (and none on the expected one) ends
 * it after a short grace (WRONG_PORT_GRACE_MS), in case the right port opens a moment later.
 */
import {classifyFailure, type Failure, type Listener} from '../core/local-run.js'
import type {LocalRunDeps} from '../ports/index.js'

export interface WaitOptions {
  url: string
  strict: boolean
  port: number
  limitMs: number
  /** When `docker run` returned (clock ms). */
  startedAt: number
  container: string
  signal: AbortSignal
  /** Resolves with the exit status when the container stops. */
  exited: Promise<number | undefined>
  deps: Pick<LocalRunDeps, 'http' | 'clock' | 'docker'>
  warn(message: string): void
  command?: string[]
}

export type WaitVerdict = {failure?: undefined; exited?: undefined} | {failure: Failure; exited: boolean}

const FIRST_PEEK_MS = 1000
const PEEK_EVERY_MS = 2000
const MAX_REQUEST_MS = 5000
/** A loopback bind seen once is confirmed this much later before the wait ends. */
const CONFIRM_MS = 500
/** How long a container may listen only on other ports before the wait ends with wrong-port. */
export const WRONG_PORT_GRACE_MS = 5000

export async function waitServing(o: WaitOptions): Promise<WaitVerdict> {
  const {clock, docker, http} = o.deps
  const deadline = o.startedAt + o.limitMs
  let exitCode: number | undefined
  let exited = false
  // An undefined status means `docker wait` itself ended (stopped, or the engine went away): not an exit.
  const exitSeen = o.exited.then((code) => {
    if (code === undefined) return new Promise<void>(() => {})
    exited = true
    exitCode = code
  })
  let interval = 100
  let lastStatus: number | null = null
  let nextPeek = o.startedAt + FIRST_PEEK_MS
  let loopbackSeen = 0
  /** When a listener on another port (and none on ours) was first seen; reset when that changes. */
  let wrongSince: number | undefined
  let cmd = o.command
  const command = async () => {
    cmd ??= (await docker.state(o.container))?.command
    return cmd
  }
  const classify = async (listening: Listener[] | undefined, timedOut: boolean) =>
    classifyFailure({
      expectedPort: o.port,
      listening,
      timedOut,
      limitSec: Math.round(o.limitMs / 1000),
      lastStatus,
      path: new URL(o.url).pathname,
      command: await command(),
    })

  const exitFailure = async (): Promise<WaitVerdict> => {
    const st = await docker.state(o.container)
    const code = st?.exitCode ?? exitCode ?? -1
    const afterMs =
      st && st.finishedAt > 0 && st.startedAt > 0 ? st.finishedAt - st.startedAt : clock.now() - o.startedAt
    const failure = classifyFailure({
      expectedPort: o.port,
      exited: {code, afterMs: Math.max(0, afterMs)},
      timedOut: false,
      command: st?.command ?? o.command,
    })
    return {failure, exited: true}
  }

  for (;;) {
    if (o.signal.aborted) throw o.signal.reason
    if (exited) return exitFailure()
    const remaining = deadline - clock.now()
    const status = await http(o.url, Math.min(MAX_REQUEST_MS, Math.max(200, remaining)), o.signal)
    if (status !== null && (!o.strict || (status >= 200 && status < 400))) return {}
    if (status !== null) lastStatus = status
    if (o.signal.aborted) throw o.signal.reason
    if (exited) return exitFailure()
    if (clock.now() >= deadline) {
      const listening = await docker.listening(o.container)
      if (exited) return exitFailure()
      return {failure: await classify(listening, true), exited: false}
    }
    if (clock.now() >= nextPeek && status === null) {
      nextPeek = clock.now() + PEEK_EVERY_MS
      const listening = await docker.listening(o.container)
      if (listening && !exited) {
        const f = await classify(listening, true)
        loopbackSeen = f.class === 'loopback-bind' ? loopbackSeen + 1 : 0
        if (loopbackSeen >= 2) return {failure: f, exited: false}
        if (loopbackSeen === 1) nextPeek = clock.now() + CONFIRM_MS
        if (f.class !== 'wrong-port') wrongSince = undefined
        else if (wrongSince === undefined) {
          wrongSince = clock.now()
          nextPeek = Math.min(nextPeek, wrongSince + WRONG_PORT_GRACE_MS)
          o.warn(`${f.message}; waiting ${WRONG_PORT_GRACE_MS / 1000} s more for port ${o.port}`)
        } else if (clock.now() - wrongSince >= WRONG_PORT_GRACE_MS) {
          const grace = WRONG_PORT_GRACE_MS / 1000
          return {failure: {...f, message: `${f.message}, still ${grace} s after it began listening`}, exited: false}
        }
      }
    }
    const pause = Math.max(0, Math.min(interval, deadline - clock.now()))
    await Promise.race([clock.sleep(pause, o.signal), exitSeen])
    interval = Math.min(1000, interval * 2)
  }
}
