/** Types and option-parsing helpers shared by the program handlers. */
import {type Listen, parsePort} from '../address.js'
import type {CopiedFile} from '../copied.js'

export type Kind = 'server' | 'daemon' | 'keepalive' | 'oneshot' | 'app' | 'supervisor'

export interface Server {
  /** Display name: `gunicorn`, `flask run`, `next dev` … */
  name: string
  kind: Kind
  listens: Listen[]
  dev?: {fix: string}
  reload?: {flag: string; fix: string}
  buildAtStart?: {fix: string}
  daemon?: {why: string; fix: string}
  /** Runs the app under a package manager (`npm start`). */
  packageManager?: string
  /** Log files the server writes; `fix` overrides the generic `Use \`FLAG -\`` advice. */
  logFiles: Array<{flag: string; path: string; fix?: string}>
  ssh?: boolean
}

export interface ServerCtx {
  env: (name: string) => string | undefined
  /** Major .NET version of a mcr.microsoft.com/dotnet base image. */
  dotnetVersion?: number
  /** Concatenated RUN/COPY text of the final image, for hints such as `daemon off;`. */
  buildText: string
  /** nginx configuration files copied from the build context (and read). */
  nginxConfs?: CopiedFile[]
  /** The base image's server logs already go to stdout/stderr (official nginx, httpd …). */
  stdoutLogs?: boolean
  /** The final base image is busybox (its `httpd` is busybox httpd, not Apache). */
  busybox?: boolean
}

export type Env = (name: string) => string | undefined

/** A handler fills in `s` and returns true when it knows the program. */
export type Handler = (s: Server, prog: string, args: string[], env: Env, ctx: ServerCtx, argv: string[]) => boolean

/** Values of an option: `--name v`, `--name=v`, `-n v`, `-nv` (short options only). */
export function optValues(args: string[], names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') break
    for (const n of names) {
      if (a === n) {
        if (i + 1 < args.length) out.push(args[i + 1]!)
        i++
        break
      }
      if (a.startsWith(n + '=')) {
        out.push(a.slice(n.length + 1))
        break
      }
      if (/^-[A-Za-z]$/.test(n) && a.startsWith(n) && a.length > 2 && !a.startsWith('--')) {
        out.push(a.slice(2))
        break
      }
    }
  }
  return out
}

export function hasFlag(args: string[], names: string[]): boolean {
  return args.some((a) => names.includes(a) || names.some((n) => n.startsWith('--') && a.startsWith(n + '=')))
}

export const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1]

/** Positional arguments, skipping options and the values of options listed in `valued`. */
export function positionals(args: string[], valued: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.startsWith('-')) {
      if (valued.includes(a)) i++
    } else out.push(a)
  }
  return out
}

export function hostOnly(host: string | undefined, def: string, source: string): Listen {
  return host !== undefined ? {host, source, raw: host} : {host: def, hostDefault: true, source, raw: ''}
}

/** A server with separate host and port options, environment fallbacks and defaults. */
export function hostAndPort(
  args: string[],
  env: Env,
  name: string,
  flags: {host: string[]; port: string[]; envPrefix?: string},
  defHost: string,
  defPort: number,
): Listen {
  const {envPrefix} = flags
  const hFlag = last(optValues(args, flags.host))
  const h = hFlag ?? (envPrefix ? env(`${envPrefix}_HOST`) : undefined)
  const p = last(optValues(args, flags.port)) ?? (envPrefix ? env(`${envPrefix}_PORT`) : undefined)
  const source = hFlag === undefined && h !== undefined ? `${envPrefix}_HOST` : name
  const l: Listen = {source, raw: [h, p].filter(Boolean).join(':')}
  if (flags.host[0]) l.hint = `${name} ${flags.host[0]} 0.0.0.0`
  if (h === undefined) {
    l.host = defHost
    l.hostDefault = true
  } else {
    l.host = h
    if (/:\d+$/.test(h) && !h.includes('::'))
      l.malformed = `"${h}" is a host and port; ${name} takes the port separately`
    else if (!/^[A-Za-z0-9._:[\]*+${}-]*$/.test(h)) l.malformed = `host "${h}" is not an address`
  }
  if (p === undefined) {
    l.port = defPort
    l.portDefault = true
  } else {
    const r = parsePort(p)
    if (r.malformed && !l.malformed) l.malformed = r.malformed
    if (r.port !== undefined) l.port = r.port
    if (r.portVar !== undefined) l.portVar = r.portVar
  }
  return l
}

export function logFlags(s: Server, args: string[], flags: string[]): void {
  for (const f of flags) for (const v of optValues(args, [f])) s.logFiles.push({flag: f, path: v})
}
