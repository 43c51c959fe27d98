/** listen: servers bound to loopback, malformed addresses, `$VAR` left unexpanded in exec form. */
import {isLoopback, type Listen, parseHostPort, parseUrls} from '../address.js'
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import {optValues} from '../servers/index.js'
import type {Finding} from '../types.js'

const LOOPBACK = rule(
  'listen/loopback',
  'error',
  'the server listens on 127.0.0.1/localhost, unreachable from outside the container',
)
const MALFORMED = rule('listen/malformed', 'error', 'a listen address or port that the server cannot parse')
const UNEXPANDED = rule(
  'listen/unexpanded-variable',
  'error',
  'exec-form CMD/ENTRYPOINT passes `$VAR` literally (no shell expands it)',
)

/** Environment variables that hold the address a server listens on. */
const HOST_VARS = new Set([
  'HOST',
  'HOSTNAME',
  'BIND_HOST',
  'LISTEN_HOST',
  'SERVER_HOST',
  'APP_HOST',
  'UVICORN_HOST',
  'FLASK_RUN_HOST',
  'SERVER_ADDRESS',
  'BIND_ADDRESS',
])
const ADDR_VARS = new Set(['BIND', 'LISTEN', 'LISTEN_ADDR', 'LISTEN_ADDRESS', 'HTTP_ADDR', 'ADDR', 'SERVER_ADDR'])
const URL_VARS = new Set(['ASPNETCORE_URLS', 'DOTNET_URLS'])

function envListens(name: string, value: string): Listen[] {
  if (URL_VARS.has(name)) return parseUrls(value, name)
  if (HOST_VARS.has(name)) return [{host: value, source: name, raw: value}]
  if (ADDR_VARS.has(name)) return [parseHostPort(value, name)]
  if (name === 'GUNICORN_CMD_ARGS')
    return optValues(value.split(/\s+/), ['-b', '--bind']).map((v) => parseHostPort(v, name))
  return []
}

const loopbackFix = (l: Listen): string => {
  if (/ASPNETCORE_URLS|DOTNET_URLS|--urls/.test(l.source))
    return 'Use `http://+:<port>` (all interfaces), e.g. `ASPNETCORE_URLS=http://+:8080`.'
  if (HOST_VARS.has(l.source) || ADDR_VARS.has(l.source)) return `Set ${l.source}=0.0.0.0 (all interfaces).`
  if (l.hint) return `Listen on all interfaces: \`${l.hint}\`.`
  return `Listen on 0.0.0.0 (all interfaces) instead of ${l.host}.`
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  const seen = new Set<string>()
  const push = (x: Finding) => {
    const key = `${x.rule}|${x.line}|${x.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(x)
    }
  }
  // Listen addresses set through the environment, reported at their ENV line.
  const envReported = new Set<string>()
  for (const [name, {value, line}] of f.model.env) {
    for (const l of envListens(name, value)) {
      if (l.malformed)
        push(
          finding(
            MALFORMED,
            line,
            `${name}=${value}: ${l.malformed}.`,
            'Write it as host:port (or http://+:port for ASP.NET Core).',
          ),
        )
      else if (isLoopback(l.host)) {
        // HOSTNAME=localhost matters only to servers that read it (Next.js standalone); still worth a look.
        push(
          finding(
            LOOPBACK,
            line,
            `${name}=${value} makes the server listen on loopback only; App Service cannot reach it.`,
            loopbackFix(l),
          ),
        )
      } else continue
      envReported.add(name)
    }
  }
  for (const {proc, server} of f.running) {
    if (server.kind === 'oneshot') continue
    for (const l of server.listens) {
      if (envReported.has(l.source)) continue
      const where = l.raw ? `${l.source} ${l.raw}` : l.source
      if (l.malformed)
        push(
          finding(
            MALFORMED,
            proc.line,
            `${server.name}: ${where}: ${l.malformed}.`,
            'Write the address as host:port, e.g. `0.0.0.0:8000`.',
          ),
        )
      else if (!l.notTcp && isLoopback(l.host)) {
        const port = l.port !== undefined ? `:${l.port}` : ''
        const msg = l.hostDefault
          ? `${server.name} listens on ${l.host}${port} by default (no host given); App Service cannot reach loopback.`
          : `${server.name} listens on ${l.host} (${where}); App Service cannot reach loopback.`
        push(finding(LOOPBACK, proc.line, msg, loopbackFix(l)))
      }
    }
  }
  for (const {proc} of f.running) {
    if (!proc.execForm) continue
    const vars = proc.argv.flatMap((a) => [...a.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))
    if (vars.length === 0) continue
    const names = [...new Set(vars)].map((v) => `$${v}`).join(', ')
    push(
      finding(
        UNEXPANDED,
        proc.line,
        `Exec-form ${proc.argv[0]} gets ${names} literally: without a shell nothing expands it.`,
        `Use the shell form, or wrap it: ["sh", "-c", "exec ${proc.argv.join(' ').replace(/"/g, '\\"')}"].`,
      ),
    )
  }
  return out
}

export const listenRules: RuleFamily = {rules: [LOOPBACK, MALFORMED, UNEXPANDED], check}
