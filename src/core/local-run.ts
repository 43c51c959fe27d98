/**
 * Why a container run locally the way App Service runs it did not answer HTTP: the failure classes behind App
 * Service's "didn't respond to HTTP pings" (wrong port, bound to loopback, exited, daemonized, slow start), read
 * from the sockets the container listens on (`/proc/net/tcp`, `/proc/net/tcp6`) and how its main process ended.
 * Pure: no I/O.
 */

export type FailureClass = 'wrong-port' | 'loopback-bind' | 'exited' | 'daemonized' | 'slow-start' | 'unknown'

export interface Listener {
  /** `0.0.0.0`, `127.0.0.1`, `::`, `::1`, … (IPv4-mapped IPv6 addresses are given as IPv4). */
  address: string
  port: number
}

export interface FailureInput {
  /** The port App Service pings: WEBSITES_PORT. */
  expectedPort: number
  /** TCP sockets in LISTEN state inside the container; undefined when they could not be read. */
  listening?: Listener[] | undefined
  /** The main process ended: its exit code and how long after the start. */
  exited?: {code: number; afterMs: number} | undefined
  /** The start time limit passed without an answer. */
  timedOut: boolean
  /** The start time limit, for messages. */
  limitSec?: number
  /** The last HTTP status seen (a --health-path that answered, but not 2xx/3xx). */
  lastStatus?: number | null
  /** The path that was pinged. */
  path?: string
  /** The container's command (entrypoint + cmd), for server-specific hints. */
  command?: string[]
}

export interface Failure {
  class: FailureClass
  message: string
  hint: string
}

/** A main process ending with status 0 within this time most likely forked into the background. */
export const DAEMONIZE_WINDOW_MS = 10_000

const LISTEN_STATE = '0A'

/** Decodes a little-endian hex address of /proc/net/tcp (8 hex digits) or tcp6 (32 hex digits). */
export function decodeProcAddress(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex)) return undefined
  const bytes: number[] = []
  // Each 32-bit word is in host (little-endian) byte order.
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8)
    for (let b = 6; b >= 0; b -= 2) bytes.push(Number.parseInt(word.slice(b, b + 2), 16))
  }
  if (hex.length === 8) return bytes.join('.')
  if (hex.length !== 32) return undefined
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  if (mapped) return bytes.slice(12).join('.')
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!)
  return formatIpv6(groups)
}

/** RFC 5952 text: lower case, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = {at: -1, len: 0}
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < groups.length && groups[j] === 0) j++
    if (j - i > best.len && j - i >= 2) best = {at: i, len: j - i}
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`
}

/** The LISTEN sockets of /proc/net/tcp and /proc/net/tcp6 text (either or both concatenated), de-duplicated. */
export function parseProcNetTcp(text: string): Listener[] {
  const out: Listener[] = []
  const seen = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/)
    // "sl local_address rem_address st …": fields[0] is "N:", fields[1] the local address, fields[3] the state.
    if (fields.length < 4 || !/^\d+:$/.test(fields[0]!) || fields[3]!.toUpperCase() !== LISTEN_STATE) continue
    const [hex, portHex] = fields[1]!.split(':')
    const address = hex === undefined ? undefined : decodeProcAddress(hex)
    const port = Number.parseInt(portHex ?? '', 16)
    if (address === undefined || !Number.isInteger(port)) continue
    const key = `${address}|${port}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({address, port})
  }
  return out
}

export const isAllInterfaces = (address: string) => address === '0.0.0.0' || address === '::'
export const isLoopbackAddress = (address: string) => address === '::1' || /^127\./.test(address)

export const formatListener = (l: Listener) =>
  l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** What an exit status usually means, for the message. */
function exitMeaning(code: number): string {
  if (code === 126) return ' (the command is not executable)'
  if (code === 127) return ' (command not found)'
  if (code === 137) return ' (killed: out of memory, or SIGKILL)'
  if (code === 139) return ' (segmentation fault)'
  if (code === 143) return ' (terminated by SIGTERM)'
  return ''
}

/**
 * busybox's `httpd` (not Apache's): named through busybox, or given busybox-only options (`-p [IP:]PORT`,
 * `-h DIR`). The same rule as doctor's (src/doctor/servers/system.ts), which also knows a busybox base image.
 */
export function isBusyboxHttpd(command: string[] | undefined): boolean {
  // Words of the command, a `sh -c '…'` string included.
  const argv = (command ?? []).join(' ').split(/\s+/)
  const at = argv.findIndex((a) => /(^|\/)httpd$/.test(a))
  if (at < 0) return false
  if (argv.slice(0, at).some((a) => /(^|\/)busybox$/.test(a))) return true
  const args = argv.slice(at + 1)
  return args.some((a, i) => /^-p/.test(a) || (a === '-h' && args[i + 1] !== undefined))
}

/** How to make the container's server listen on 0.0.0.0:<port>, when its command names a known server. */
export function bindHint(command: string[] | undefined, port: number): string {
  const cmd = (command ?? []).join(' ')
  if (/\bgunicorn\b/.test(cmd)) return `bind to 0.0.0.0: gunicorn -b 0.0.0.0:${port} …`
  if (/\buvicorn\b/.test(cmd)) return `bind to 0.0.0.0: uvicorn … --host 0.0.0.0 --port ${port}`
  if (/\bflask\b/.test(cmd)) return `bind to 0.0.0.0: flask run --host 0.0.0.0 --port ${port}`
  if (/\brunserver\b/.test(cmd)) return `bind to 0.0.0.0: python manage.py runserver 0.0.0.0:${port}`
  if (isBusyboxHttpd(command)) return `bind to 0.0.0.0: busybox httpd -f -p 0.0.0.0:${port}`
  if (/\b(node|npm|yarn|pnpm|bun|deno)\b/.test(cmd))
    return `bind to 0.0.0.0: server.listen(process.env.PORT, '0.0.0.0') (PORT is ${port})`
  if (/\bdotnet\b/.test(cmd)) return `bind to all interfaces: ASPNETCORE_URLS=http://+:${port}`
  return `make the server listen on 0.0.0.0:${port} (all interfaces), not 127.0.0.1/localhost`
}

/** How to keep the server in the foreground, when its command names a known daemon. */
function foregroundHint(command: string[] | undefined, port: number): string {
  const cmd = (command ?? []).join(' ')
  if (/\bnginx\b/.test(cmd)) return "run nginx in the foreground: nginx -g 'daemon off;'"
  if (isBusyboxHttpd(command))
    return `run busybox httpd in the foreground: busybox httpd -f -p 0.0.0.0:${port} … (-f: do not fork)`
  if (/\b(httpd|apache2)\b/.test(cmd)) return 'run Apache in the foreground: httpd -DFOREGROUND'
  if (/\bphp-fpm/.test(cmd)) return 'run php-fpm in the foreground: php-fpm -F'
  if (/&\s*$|\bnohup\b/.test(cmd)) return 'do not start the server with & or nohup: exec it as the last command'
  return 'run the server in the foreground (no daemon mode, no &): the container lives only as long as its main process'
}

export function classifyFailure(i: FailureInput): Failure {
  const port = i.expectedPort
  if (i.exited) {
    const {code, afterMs} = i.exited
    if (code === 0 && afterMs <= DAEMONIZE_WINDOW_MS) {
      return {
        class: 'daemonized',
        message: `The container's main process exited with status 0 after ${secs(afterMs)} without answering HTTP on port ${port}: it forked into the background (daemonized) or finished`,
        hint: foregroundHint(i.command, port),
      }
    }
    return {
      class: 'exited',
      message: `The container exited with status ${code}${exitMeaning(code)} after ${secs(afterMs)}, before answering HTTP on port ${port}`,
      hint: 'Read its last output; it must keep running in the foreground and serve HTTP on 0.0.0.0:' + port,
    }
  }
  const within = i.limitSec === undefined ? '' : ` within ${i.limitSec} s`
  if (!i.timedOut) {
    return {
      class: 'unknown',
      message: `The container did not answer HTTP on port ${port}`,
      hint: bindHint(i.command, port),
    }
  }
  const slowHint = `raise the limit (--timeout; on App Service WEBSITES_CONTAINER_START_TIME_LIMIT, default 230 s, at most 1800 s), or make it start faster`
  if (i.listening === undefined) {
    return {
      class: 'unknown',
      message: `No HTTP answer on port ${port}${within}, and the container's listening sockets could not be read`,
      hint: `check that it listens on 0.0.0.0:${port} (PORT=${port}) in the foreground, or ${slowHint}`,
    }
  }
  const onPort = i.listening.filter((l) => l.port === port)
  const reachable = onPort.filter((l) => !isLoopbackAddress(l.address))
  if (reachable.length > 0) {
    const what =
      i.lastStatus !== undefined && i.lastStatus !== null
        ? `answered ${i.lastStatus} on ${i.path ?? '/'}, not 2xx/3xx,`
        : `did not answer HTTP`
    return {
      class: 'slow-start',
      message: `The container listens on ${formatListener(reachable[0]!)} but ${what}${within}`,
      hint: `if it is still starting, ${slowHint}; it must speak plain HTTP (not HTTPS) on port ${port}`,
    }
  }
  if (onPort.length > 0) {
    const l = onPort[0]!
    const all = l.address.includes(':') ? '[::]' : '0.0.0.0'
    return {
      class: 'loopback-bind',
      message: `listening on ${formatListener(l)}, not ${all}:${port}: loopback is unreachable from outside the container`,
      hint: bindHint(i.command, port),
    }
  }
  if (i.listening.length > 0) {
    const shown = i.listening
      .slice()
      .sort((a, b) => a.port - b.port)
      .slice(0, 3)
      .map(formatListener)
    const ports = [...new Set(i.listening.map((l) => l.port))]
    const loopbackOnly = i.listening.every((l) => isLoopbackAddress(l.address))
    const other = ports.length === 1 && !loopbackOnly ? `, or pass --port ${ports[0]}` : ''
    return {
      class: 'wrong-port',
      message: `listening on ${shown.join(', ')}${i.listening.length > 3 ? ', …' : ''}, not port ${port} (WEBSITES_PORT)`,
      hint: `make the app listen on 0.0.0.0:${port} (the PORT environment variable holds it)${other}`,
    }
  }
  return {
    class: 'slow-start',
    message: `Nothing listens on any TCP port in the container after ${i.limitSec ?? '?'} s`,
    hint: `if it is still starting, ${slowHint}; otherwise check it starts an HTTP server on 0.0.0.0:${port}`,
  }
}

/** The container name of an app's local run. */
export const localContainerName = (app: string) => `azdeploy-local-${app}`
