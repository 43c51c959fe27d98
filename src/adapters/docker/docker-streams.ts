/**
 * The long-running Docker CLI children of a local run: `docker logs -f` (each line passed on, the last ones kept)
 * and `docker wait` (the exit status), and the container's listening sockets read from /proc/net/tcp*.
 */
import type {ChildProcess} from 'node:child_process'
import {readFileSync, statSync} from 'node:fs'
import {type Listener, parseProcNetTcp} from '../../core/local-run.js'
import type {LogFollower} from '../../ports/index.js'

const TAIL = 40

/** Follows a started `docker logs -f`, passing each line to onLine and keeping the last ones. */
export function followLogs(child: ChildProcess, onLine?: (line: string) => void): LogFollower {
  const tail: string[] = []
  const feed = () => {
    let partial = ''
    return (c: Buffer | null) => {
      const text = c === null ? '\n' : c.toString('utf8')
      const parts = (partial + text).split(/\r?\n/)
      partial = parts.pop() ?? ''
      for (const line of parts) {
        if (c === null && line === '') continue
        tail.push(line)
        if (tail.length > TAIL) tail.shift()
        onLine?.(line)
      }
    }
  }
  const out = feed()
  const err = feed()
  child.stdout?.on('data', out).on('end', () => out(null))
  child.stderr?.on('data', err).on('end', () => err(null))
  const ended = new Promise<void>((done) => {
    child.on('close', () => done())
    child.on('error', () => done())
  })
  return {tail: () => tail.slice(), ended, stop: () => child.kill('SIGTERM')}
}

/** A started `docker wait`: resolves with the exit status when the container stops (undefined if it ended early). */
export function waitExit(child: ChildProcess): {exited: Promise<number | undefined>; stop(): void} {
  let stdout = ''
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c
  })
  const exited = new Promise<number | undefined>((done) => {
    child.on('close', (code) => {
      const n = Number.parseInt(stdout.trim(), 10)
      done(code === 0 && Number.isInteger(n) ? n : undefined)
    })
    child.on('error', () => done(undefined))
  })
  return {exited, stop: () => child.kill('SIGTERM')}
}

/**
 * TCP sockets listening inside the container: `cat /proc/net/tcp*` in the container, else the container's
 * network namespace read through its main process on this host (needs the engine on this host and the
 * rights to read it; not on Docker Desktop). Undefined when neither works.
 */
export async function containerListeners(
  container: string,
  docker: (args: string[]) => Promise<{code: number; stdout: string}>,
): Promise<Listener[] | undefined> {
  const r = await docker(['exec', container, 'cat', '/proc/net/tcp', '/proc/net/tcp6']).catch(() => undefined)
  if (r && /local_address/.test(r.stdout)) return parseProcNetTcp(r.stdout)
  const format = '{{.State.Pid}}\t{{.NetworkSettings.SandboxKey}}'
  const info = await docker(['container', 'inspect', '--format', format, container]).catch(() => undefined)
  const [pid, sandbox] = (info?.code === 0 ? info.stdout.trim() : '').split('\t')
  if (!pid || pid === '0' || !sandbox) return undefined
  try {
    // The PID is the engine's view: only trust it when that process is in the container's network namespace.
    if (statSync(`/proc/${pid}/ns/net`).ino !== statSync(sandbox).ino) return undefined
    let text = readFileSync(`/proc/${pid}/net/tcp`, 'utf8')
    try {
      text += readFileSync(`/proc/${pid}/net/tcp6`, 'utf8')
    } catch {
      // no IPv6 in the kernel
    }
    return parseProcNetTcp(text)
  } catch {
    return undefined
  }
}
