/** Listen addresses: `host:port`, `[::1]:80`, `:8080`, `tcp://…`, ASP.NET URLs, and unresolved `${VAR}` ports. */

export interface Listen {
  host?: string
  port?: number
  /** The port is a variable that was not set in the image (`${PORT}`). */
  portVar?: string
  /** Where the address came from, for messages: `--bind`, `ASPNETCORE_URLS`, `uvicorn's default` … */
  source: string
  /** The host or port is a framework default rather than written down. */
  hostDefault?: boolean
  portDefault?: boolean
  raw: string
  malformed?: string
  /** A unix socket, a file descriptor or HTTPS: nothing App Service can send plain HTTP to. */
  notTcp?: boolean
  /** How to make this server listen on all interfaces, e.g. `uvicorn --host 0.0.0.0`. */
  hint?: string
}

const VAR = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === 'ip6-localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)
}

export function isAllInterfaces(host: string | undefined): boolean {
  if (host === undefined) return false
  const h = host.replace(/^\[|\]$/g, '')
  return h === '' || h === '0.0.0.0' || h === '*' || h === '+' || h === '::' || h === '0'
}

/** Parses a port: a number 1–65535 or an unresolved variable. */
export function parsePort(text: string): {port?: number; portVar?: string; malformed?: string} {
  const t = text.trim()
  const v = VAR.exec(t)
  if (v) return {portVar: v[1]!}
  if (!/^\d+$/.test(t)) return {malformed: `port "${t}" is not a number`}
  const n = Number(t)
  if (n < 1 || n > 65535) return {malformed: `port ${t} is outside 1-65535`}
  return {port: n}
}

function validHost(h: string): boolean {
  if (VAR.test(h)) return true
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._*+-]+|[0-9a-fA-F:]+)$/.test(h)
}

/** `host:port`, `:port`, `host`, `port`, `[v6]:port`, `tcp://host:port`, `unix:/path`, `fd://3`. */
export function parseHostPort(text: string, source: string, defaults: {host?: string; port?: number} = {}): Listen {
  const raw = text
  let t = text.trim()
  if (/^unix:|^fd:\/\//.test(t) || t.startsWith('/')) return {source, raw, notTcp: true}
  t = t.replace(/^tcp:\/\//, '')
  const out: Listen = {source, raw}
  let host: string | undefined
  let portText: string | undefined
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(t)
  if (v6) {
    host = v6[1]
    portText = v6[2]
  } else if (/^\d+$/.test(t) || VAR.test(t)) {
    portText = t
  } else {
    const i = t.lastIndexOf(':')
    if (i >= 0 && (t.match(/:/g) ?? []).length > 1 && !t.includes('$')) {
      // A bare IPv6 address without brackets: `::` means all interfaces.
      host = t
    } else if (i >= 0) {
      host = t.slice(0, i)
      portText = t.slice(i + 1)
    } else host = t
  }
  if (host !== undefined && host !== '' && !validHost(host)) out.malformed = `host "${host}" is not an address`
  if (host !== undefined) out.host = host
  else if (defaults.host !== undefined) {
    out.host = defaults.host
    out.hostDefault = true
  }
  if (portText !== undefined) {
    const p = parsePort(portText)
    if (p.malformed && !out.malformed) out.malformed = p.malformed
    if (p.port !== undefined) out.port = p.port
    if (p.portVar !== undefined) out.portVar = p.portVar
  } else if (defaults.port !== undefined) {
    out.port = defaults.port
    out.portDefault = true
  }
  return out
}

/** ASP.NET Core URLs (`ASPNETCORE_URLS`, `--urls`): `http://+:80;http://localhost:5000`. */
export function parseUrls(text: string, source: string): Listen[] {
  const out: Listen[] = []
  for (const part of text.split(/[;,]/)) {
    const t = part.trim()
    if (t === '') continue
    const m = /^(https?):\/\/(\[[^\]]*\]|[^:/]*)(?::([^/]*))?\/?.*$/i.exec(t)
    if (!m) {
      out.push({source, raw: t, malformed: `"${t}" is not a URL (ASP.NET Core needs http://host:port)`})
      continue
    }
    const l: Listen = {source, raw: t, host: m[2]!}
    if (m[3] !== undefined) {
      const p = parsePort(m[3])
      if (p.malformed) l.malformed = p.malformed
      if (p.port !== undefined) l.port = p.port
      if (p.portVar !== undefined) l.portVar = p.portVar
    } else {
      l.port = m[1]!.toLowerCase() === 'https' ? 443 : 80
      l.portDefault = true
    }
    if (m[1]!.toLowerCase() === 'https') l.notTcp = true
    if (!l.malformed && m[2] !== '' && !validHost(m[2]!)) l.malformed = `host "${m[2]}" is not an address`
    out.push(l)
  }
  return out
}
