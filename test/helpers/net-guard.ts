// A preload for CLI child processes (NODE_OPTIONS=--import=<file>) that logs every outgoing TCP connection
// (net/tls/http/fetch all end in net.Socket#connect) to NET_GUARD_LOG and refuses any that is not to loopback, so a
// test can assert that nothing tried to reach Azure, GitHub or the instance metadata service (169.254.169.254).
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const PRELOAD = `import net from 'node:net'
import {appendFileSync} from 'node:fs'
const connect = net.Socket.prototype.connect
const LOOPBACK = /^(127\\.\\d+\\.\\d+\\.\\d+|::1|localhost|::ffff:127\\.\\d+\\.\\d+\\.\\d+)$/i
net.Socket.prototype.connect = function (...args) {
  let o = Array.isArray(args[0]) ? args[0][0] : args[0]
  let host
  let port
  if (o && typeof o === 'object') {
    if (o.path) return connect.apply(this, args)
    host = o.host
    port = o.port
  } else {
    port = o
    host = typeof args[1] === 'string' ? args[1] : undefined
  }
  host = host || 'localhost'
  if (process.env.NET_GUARD_LOG) appendFileSync(process.env.NET_GUARD_LOG, host + ':' + port + '\\n')
  if (!LOOPBACK.test(host)) {
    const err = Object.assign(new Error('net-guard: blocked connection to ' + host + ':' + port), {code: 'ECONNREFUSED'})
    process.nextTick(() => this.destroy(err))
    return this
  }
  return connect.apply(this, args)
}
`

/** Writes the preload into `dir`; returns the env to add to a CLI run and a reader of the connections it logged. */
export function netGuard(dir: string): {env: Record<string, string>; connections(): string[]} {
  const file = join(dir, 'net-guard.mjs')
  const log = join(dir, 'net-guard.log')
  writeFileSync(file, PRELOAD)
  writeFileSync(log, '')
  return {
    env: {NODE_OPTIONS: `--import=${file}`, NET_GUARD_LOG: log},
    connections: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  }
}

export const isLoopback = (hostPort: string) => /^(127\.\d+\.\d+\.\d+|\[?::1\]?|localhost):/i.test(hostPort)
