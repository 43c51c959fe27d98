/**
 * What the analyzer knows about the programs a start command runs: where they listen (flags, environment and
 * defaults), whether they are development servers, reload on change, build at start, daemonize, or write logs to
 * files. Each program is recognised by the name it is run by (also through `python -m`, `npx`, `poetry run` …).
 */
import {type Listen, parseHostPort, parsePort, parseUrls} from './address.js'
import {basename} from './start.js'
import type {Proc} from './types.js'

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
  logFiles: Array<{flag: string; path: string}>
  ssh?: boolean
}

export interface ServerCtx {
  env: (name: string) => string | undefined
  /** Major .NET version of a mcr.microsoft.com/dotnet base image. */
  dotnetVersion?: number
  /** Concatenated RUN/COPY text of the final image, for hints such as `daemon off;`. */
  buildText: string
}

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

const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1]

/** Positional arguments, skipping options and the values of options listed in `valued`. */
function positionals(args: string[], valued: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.startsWith('-')) {
      if (valued.includes(a)) i++
    } else out.push(a)
  }
  return out
}

/** Resolves `python -m x`, `npx x`, `poetry run x` … to the program actually run. */
export function program(argv: string[]): {prog: string; args: string[]} {
  let words = argv
  for (let guard = 0; guard < 5; guard++) {
    const b = basename(words[0] ?? '')
    if (/^python[0-9.]*$/.test(b) || b === 'pypy3') {
      let i = 1
      while (i < words.length && words[i]!.startsWith('-') && words[i] !== '-m' && words[i] !== '-c') {
        if (words[i] === '-X' || words[i] === '-W') i++
        i++
      }
      if (words[i] === '-m') {
        words = [words[i + 1] ?? '', ...words.slice(i + 2)]
        continue
      }
      const script = words[i] ?? ''
      return {prog: basename(script) === 'manage.py' ? 'manage.py' : 'python', args: words.slice(i + 1)}
    }
    if (b === 'npx' || b === 'bunx' || b === 'pnpx') {
      let i = 1
      while (i < words.length && words[i]!.startsWith('-')) i++
      words = words.slice(i)
      continue
    }
    if (['poetry', 'pipenv', 'uv', 'pdm', 'hatch', 'rye'].includes(b) && words[1] === 'run') {
      let i = 2
      while (i < words.length && words[i]!.startsWith('-')) i++
      words = words.slice(i)
      continue
    }
    if ((b === 'bundle' && words[1] === 'exec') || (['pnpm', 'yarn', 'npm'].includes(b) && words[1] === 'exec')) {
      words = words.slice(2)
      continue
    }
    if (b === 'node' || b === 'nodejs') {
      const script = nodeScript(words)
      if (script && /(^|\/)next(\/dist\/bin\/next)?$/.test(script.path)) {
        words = ['next', ...words.slice(script.index + 1)]
        continue
      }
    }
    return {prog: b, args: words.slice(1)}
  }
  return {prog: basename(words[0] ?? ''), args: words.slice(1)}
}

function nodeScript(words: string[]): {path: string; index: number} | undefined {
  for (let i = 1; i < words.length; i++) {
    const a = words[i]!
    if (a === '-r' || a === '--require' || a === '--import' || a === '--loader') i++
    else if (!a.startsWith('-')) return {path: a, index: i}
  }
  return undefined
}

const ONESHOT = new Set(
  'echo printf mkdir cp mv rm ln chmod chown touch cat sed awk envsubst export cd set true false test [ source . sleep id whoami wait ls find grep update-ca-certificates ldconfig rsync'.split(
    ' ',
  ),
)
const KEEPALIVE_FILES = /^\/dev\/null$|^\/dev\/stdout$|\.log$|^\/var\/log\//

/** Classifies one simple command of the start command. */
export function analyzeProc(p: Proc, ctx: ServerCtx): Server {
  const {prog, args} = program(p.argv)
  const env = (n: string) => p.assignments[n] ?? ctx.env(n)
  const s: Server = {name: prog, kind: 'app', listens: [], logFiles: []}
  const b = prog
  switch (true) {
    case b === 'gunicorn': {
      s.kind = 'server'
      const envArgs = (env('GUNICORN_CMD_ARGS') ?? '').split(/\s+/).filter(Boolean)
      const binds = optValues(args, ['-b', '--bind'])
      for (const v of binds) s.listens.push(parseHostPort(v, 'gunicorn --bind', {port: 8000}))
      if (binds.length === 0)
        for (const v of optValues(envArgs, ['-b', '--bind'])) {
          binds.push(v)
          s.listens.push(parseHostPort(v, 'GUNICORN_CMD_ARGS', {port: 8000}))
        }
      if (binds.length === 0 && !hasFlag(args, ['-c', '--config']) && !/gunicorn\.conf\.py/.test(ctx.buildText)) {
        const port = env('PORT')
        if (port !== undefined) s.listens.push({...parseHostPort(`0.0.0.0:${port}`, 'gunicorn (PORT)'), hostDefault: true})
        else s.listens.push({...parseHostPort('127.0.0.1:8000', "gunicorn's default bind"), hostDefault: true, portDefault: true})
      }
      if (hasFlag(args, ['-D', '--daemon'])) s.daemon = {why: 'gunicorn --daemon forks into the background', fix: 'Remove --daemon.'}
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      logFlags(s, args, ['--access-logfile', '--error-logfile', '--log-file'])
      break
    }
    case b === 'uvicorn': {
      s.kind = 'server'
      if (hasFlag(args, ['--uds', '--fd'])) s.listens.push({source: 'uvicorn --uds', raw: '', notTcp: true})
      else s.listens.push(hostAndPort(args, env, 'uvicorn', ['--host'], ['--port'], 'UVICORN', '127.0.0.1', 8000))
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload; use --workers N for more processes.'}
      break
    }
    case b === 'hypercorn': {
      s.kind = 'server'
      const binds = optValues(args, ['-b', '--bind'])
      for (const v of binds) s.listens.push(parseHostPort(v, 'hypercorn --bind', {port: 8000}))
      if (binds.length === 0 && !hasFlag(args, ['-c', '--config']))
        s.listens.push({...parseHostPort('127.0.0.1:8000', "hypercorn's default bind"), hostDefault: true, portDefault: true})
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      logFlags(s, args, ['--access-logfile', '--error-logfile', '--log-file'])
      break
    }
    case b === 'daphne': {
      s.kind = 'server'
      if (!hasFlag(args, ['-e', '--endpoint', '-u', '--unix-socket']))
        s.listens.push(hostAndPort(args, env, 'daphne', ['-b', '--bind'], ['-p', '--port'], undefined, '127.0.0.1', 8000))
      break
    }
    case b === 'waitress-serve' || b === 'waitress': {
      s.kind = 'server'
      const listen = optValues(args, ['--listen'])
      for (const v of listen) s.listens.push(parseHostPort(v, 'waitress-serve --listen', {port: 8080}))
      if (listen.length === 0)
        s.listens.push(hostAndPort(args, env, 'waitress-serve', ['--host'], ['--port'], undefined, '0.0.0.0', 8080))
      break
    }
    case b === 'flask': {
      s.kind = 'server'
      const sub = positionals(args, ['--app', '-A', '-e', '--env-file'])[0]
      if (sub === 'run') {
        const runArgs = args.slice(args.indexOf('run') + 1)
        s.name = 'flask run'
        s.listens.push(hostAndPort(runArgs, env, 'flask run', ['-h', '--host'], ['-p', '--port'], 'FLASK_RUN', '127.0.0.1', 5000))
        s.dev = {fix: 'Serve the app with gunicorn: `gunicorn --bind 0.0.0.0:8000 app:app`.'}
        if (hasFlag(args, ['--debug', '--reload'])) s.reload = {flag: '--debug/--reload', fix: 'Remove --debug/--reload.'}
      } else s.kind = 'oneshot'
      break
    }
    case b === 'manage.py': {
      const pos = positionals(args, ['--settings', '--pythonpath'])
      if (pos[0] === 'runserver') {
        s.kind = 'server'
        s.name = 'manage.py runserver'
        const addr = pos[1]
        s.listens.push(
          addr
            ? parseHostPort(addr, 'runserver address', {host: '127.0.0.1', port: 8000})
            : {...parseHostPort('127.0.0.1:8000', "runserver's default"), hostDefault: true, portDefault: true},
        )
        s.dev = {fix: 'Serve the project with gunicorn: `gunicorn --bind 0.0.0.0:8000 <project>.wsgi`.'}
      } else s.kind = 'oneshot'
      break
    }
    case b === 'fastapi': {
      s.kind = 'server'
      const sub = positionals(args, ['--host', '--port', '--app', '--root-path'])[0]
      s.name = `fastapi ${sub ?? ''}`.trim()
      const dev = sub === 'dev'
      s.listens.push(hostAndPort(args, env, s.name, ['--host'], ['--port'], undefined, dev ? '127.0.0.1' : '0.0.0.0', 8000))
      if (dev) s.dev = {fix: 'Use `fastapi run` (or uvicorn --host 0.0.0.0) without --reload.'}
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      break
    }
    case b === 'http.server': {
      s.kind = 'server'
      s.name = 'python -m http.server'
      const port = positionals(args, ['-b', '--bind', '-d', '--directory'])[0]
      const host = last(optValues(args, ['-b', '--bind']))
      s.listens.push(
        port ? {...hostOnly(host, '0.0.0.0', 'http.server'), ...parsePort(port), raw: port} : hostAndPort([], env, s.name, [], [], undefined, host ?? '0.0.0.0', 8000),
      )
      s.dev = {fix: 'Serve static files with nginx, or the app with gunicorn.'}
      break
    }
    case b === 'streamlit': {
      s.kind = 'server'
      s.listens.push(hostAndPort(args, env, 'streamlit', ['--server.address'], ['--server.port'], 'STREAMLIT_SERVER', '0.0.0.0', 8501))
      break
    }
    case b === 'next': {
      s.kind = 'server'
      const sub = positionals(args, ['-p', '--port', '-H', '--hostname'])[0] ?? 'dev'
      s.name = `next ${sub}`
      if (sub === 'build') {
        s.kind = 'oneshot'
        s.buildAtStart = {fix: 'Run `next build` in a RUN step and start with `next start` (or the standalone server.js).'}
        break
      }
      const portEnv = env('PORT')
      const p = last(optValues(args, ['-p', '--port']))
      const h = last(optValues(args, ['-H', '--hostname']))
      const l: Listen = hostOnly(h, '0.0.0.0', `next ${sub}`)
      Object.assign(l, p !== undefined ? parsePort(p) : portEnv !== undefined ? parsePort(portEnv) : {port: 3000, portDefault: true})
      l.raw = p ?? portEnv ?? '3000'
      s.listens.push(l)
      if (sub === 'dev') s.dev = {fix: 'Build in the image with `next build` and start with `next start` (or `node server.js` for output: standalone).'}
      break
    }
    case b === 'ng' && args[0] === 'serve':
    case b === 'vite' && args[0] !== 'build':
    case b === 'webpack-dev-server' || (b === 'webpack' && args[0] === 'serve'):
    case b === 'react-scripts' && args[0] === 'start':
    case b === 'vue-cli-service' && args[0] === 'serve':
    case (b === 'nuxt' || b === 'nuxi') && args[0] === 'dev':
    case (b === 'gatsby' && args[0] === 'develop') || ((b === 'astro' || b === 'remix') && args[0] === 'dev'):
    case b === 'parcel' && args[0] !== 'build': {
      s.kind = 'server'
      s.name = [b, args[0] && !args[0].startsWith('-') ? args[0] : ''].join(' ').trim()
      const defaults: Record<string, [string, number]> = {ng: ['localhost', 4200], vite: ['localhost', 5173]}
      const [host, port] = defaults[b] ?? ['0.0.0.0', 3000]
      s.listens.push(hostAndPort(args, env, s.name, ['--host', '--hostname'], ['--port'], undefined, host, port))
      s.dev = {fix: 'Build the site in the image (`npm run build`) and serve the output with nginx or the framework\'s production server.'}
      break
    }
    case ['nodemon', 'ts-node-dev', 'tsnd', 'air', 'reflex', 'watchexec', 'watchmedo'].includes(b) ||
      (b === 'tsx' && args[0] === 'watch'): {
      s.reload = {flag: b, fix: `Run the program directly (for Node, \`node dist/server.js\`) instead of under ${b}.`}
      break
    }
    case b === 'ts-node': {
      s.buildAtStart = {fix: 'Compile with tsc in the image and run `node dist/<entry>.js`.'}
      break
    }
    case b === 'node' || b === 'nodejs' || b === 'deno' || b === 'bun': {
      if (hasFlag(args, ['--watch'])) s.reload = {flag: '--watch', fix: 'Remove --watch.'}
      if ((b === 'bun' || b === 'deno') && args[0] === 'install') s.kind = 'oneshot'
      break
    }
    case ['npm', 'yarn', 'pnpm', 'bun'].includes(b): {
      packageManager(s, b, args)
      break
    }
    case b === 'dotnet': {
      const sub = args[0] ?? ''
      if (sub === 'watch') s.reload = {flag: 'dotnet watch', fix: 'Publish in a build stage (`dotnet publish -c Release`) and run `dotnet <App>.dll`.'}
      else if (sub === 'run') s.buildAtStart = {fix: 'Publish in a build stage (`dotnet publish -c Release -o /app`) and run `dotnet <App>.dll`.'}
      else if (sub.endsWith('.dll')) aspnet(s, args, env, ctx)
      else s.kind = 'oneshot'
      break
    }
    case b === 'java': {
      java(s, args, env)
      break
    }
    case ['mvn', 'mvnw', 'gradle', 'gradlew'].includes(b) && args.some((a) => /spring-boot:run|bootRun|quarkus:dev|run$/.test(a)): {
      s.buildAtStart = {fix: 'Build the jar in a build stage and run `java -jar app.jar` on a JRE image.'}
      break
    }
    case b === 'go' && args[0] === 'run': {
      s.buildAtStart = {fix: 'Compile with `go build` in a build stage and run the binary.'}
      goFlags(s, args)
      break
    }
    case b === 'php' && hasFlag(args, ['-S']): {
      s.kind = 'server'
      s.name = 'php -S'
      const v = last(optValues(args, ['-S']))
      if (v) s.listens.push(parseHostPort(v, 'php -S'))
      s.dev = {fix: 'Use php:apache (apache2-foreground) or nginx with php-fpm.'}
      break
    }
    case b === 'php' && args[0] === 'artisan' && args[1] === 'serve': {
      s.kind = 'server'
      s.name = 'artisan serve'
      s.listens.push(hostAndPort(args, env, 'artisan serve', ['--host'], ['--port'], undefined, '127.0.0.1', 8000))
      s.dev = {fix: 'Serve Laravel with php:apache or nginx and php-fpm.'}
      break
    }
    default:
      other(s, b, args, p, ctx)
  }
  if (s.kind === 'app' && ONESHOT.has(b)) s.kind = b === 'sleep' && isKeepAliveSleep(args) ? 'keepalive' : 'oneshot'
  if (s.kind === 'app' && (s.listens.length > 0 || s.dev)) s.kind = 'server'
  return s
}

function isKeepAliveSleep(args: string[]): boolean {
  const a = args[0] ?? ''
  return a === 'infinity' || a === 'inf' || (/^\d+$/.test(a) && Number(a) >= 3600)
}

function hostOnly(host: string | undefined, def: string, source: string): Listen {
  return host !== undefined ? {host, source, raw: host} : {host: def, hostDefault: true, source, raw: ''}
}

/** A server with separate host and port options, environment fallbacks and defaults. */
function hostAndPort(
  args: string[],
  env: (n: string) => string | undefined,
  name: string,
  hostFlags: string[],
  portFlags: string[],
  envPrefix: string | undefined,
  defHost: string,
  defPort: number,
): Listen {
  const hFlag = last(optValues(args, hostFlags))
  const h = hFlag ?? (envPrefix ? env(`${envPrefix}_HOST`) : undefined)
  const p = last(optValues(args, portFlags)) ?? (envPrefix ? env(`${envPrefix}_PORT`) : undefined)
  const source = hFlag === undefined && h !== undefined ? `${envPrefix}_HOST` : name
  const l: Listen = {source, raw: [h, p].filter(Boolean).join(':')}
  if (h === undefined) {
    l.host = defHost
    l.hostDefault = true
  } else {
    l.host = h
    if (/:\d+$/.test(h) && !h.includes('::')) l.malformed = `"${h}" is a host and port; ${name} takes the port separately`
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

function logFlags(s: Server, args: string[], flags: string[]): void {
  for (const f of flags) for (const v of optValues(args, [f])) s.logFiles.push({flag: f, path: v})
}

function packageManager(s: Server, b: string, args: string[]): void {
  const pos = positionals(args, ['--prefix', '-w', '--workspace', '--cwd', '--filter'])
  let script = pos[0] ?? ''
  if (script === 'run' || script === 'run-script') script = pos[1] ?? ''
  if (['install', 'i', 'ci', 'add'].includes(script)) {
    s.kind = 'oneshot'
    s.buildAtStart = {fix: `Install dependencies in a RUN step, not when the container starts.`}
  } else if (/^(build|compile)(:|$)/.test(script)) {
    s.kind = 'oneshot'
    s.buildAtStart = {fix: `Run \`${b} run ${script}\` in a RUN step and only start the built app.`}
  } else if (/^(dev|develop|serve|watch|start:dev|dev:.*)$/.test(script)) {
    s.kind = 'server'
    s.name = `${b} run ${script}`
    s.dev = {fix: 'Build in the image and start the production server (`node server.js`, `next start` …).'}
  } else if (script === 'start') {
    s.packageManager = `${b} start`
  }
}

function aspnet(s: Server, args: string[], env: (n: string) => string | undefined, ctx: ServerCtx): void {
  s.kind = 'server'
  s.name = `dotnet ${args[0]}`
  const urls = last(optValues(args.slice(1), ['--urls']))
  const envUrls = env('ASPNETCORE_URLS') ?? env('DOTNET_URLS')
  const httpPorts = env('ASPNETCORE_HTTP_PORTS') ?? env('DOTNET_HTTP_PORTS') ?? env('HTTP_PORTS')
  if (urls !== undefined) s.listens.push(...parseUrls(urls, '--urls'))
  else if (envUrls !== undefined && envUrls !== '') s.listens.push(...parseUrls(envUrls, 'ASPNETCORE_URLS'))
  else if (httpPorts !== undefined && httpPorts !== '') {
    for (const p of httpPorts.split(/[;,]/))
      s.listens.push({host: '+', source: 'ASPNETCORE_HTTP_PORTS', raw: p, ...parsePort(p)})
  } else if (ctx.dotnetVersion !== undefined) {
    const port = ctx.dotnetVersion >= 8 ? 8080 : 80
    s.listens.push({host: '+', port, portDefault: true, source: `the .NET ${ctx.dotnetVersion} image's default`, raw: ''})
  }
}

function java(s: Server, args: string[], env: (n: string) => string | undefined): void {
  const opts = [...args, ...`${env('JAVA_OPTS') ?? ''} ${env('JAVA_TOOL_OPTIONS') ?? ''}`.split(/\s+/).filter(Boolean)]
  const jar = last(optValues(args, ['-jar'])) ?? ''
  const spring =
    /spring|boot/i.test(jar) ||
    args.some((a) => a.startsWith('org.springframework.boot.loader')) ||
    opts.some((a) => /^-Dspring\.|^--spring\.|^-Dserver\.port|^--server\.port/.test(a)) ||
    env('SERVER_PORT') !== undefined ||
    env('SPRING_PROFILES_ACTIVE') !== undefined
  const prop = (name: string): string | undefined =>
    last(optValues(opts, [`-D${name}`, `--${name}`])) ??
    env(name.toUpperCase().replace(/\./g, '_'))
  const port = prop('server.port')
  const host = prop('server.address')
  if (!spring && port === undefined && host === undefined) return
  s.kind = 'server'
  s.name = spring ? 'Spring Boot' : 'java'
  const l: Listen = {source: 'server.port', raw: [host, port].filter(Boolean).join(':')}
  if (host !== undefined) l.host = host
  else {
    l.host = '0.0.0.0'
    l.hostDefault = true
  }
  if (port !== undefined) Object.assign(l, parsePort(port))
  else {
    l.port = 8080
    l.portDefault = true
  }
  s.listens.push(l)
}

function goFlags(s: Server, args: string[]): void {
  const addr = last(optValues(args, ['-addr', '--addr', '-listen', '--listen', '-http', '--http', '-bind', '--bind']))
  const port = last(optValues(args, ['-port', '--port']))
  if (addr !== undefined) s.listens.push(parseHostPort(addr, 'the -addr flag'))
  else if (port !== undefined) s.listens.push({source: 'the -port flag', raw: port, host: '0.0.0.0', hostDefault: true, ...parsePort(port)})
}

function other(s: Server, b: string, args: string[], p: Proc, ctx: ServerCtx): void {
  const a0 = args[0] ?? ''
  if (b === 'service' || b === 'rc-service' || b === 'invoke-rc.d' || (b === 'systemctl' && a0 === 'start')) {
    const name = b === 'systemctl' ? (args[1] ?? '') : a0
    const action = b === 'systemctl' ? 'start' : (args[1] ?? '')
    if (/^(start|restart)$/.test(action)) {
      s.kind = 'daemon'
      s.name = `${b} ${name} ${action}`
      s.ssh = /^ssh/.test(name)
      s.daemon = {why: `\`${s.name}\` starts ${name} in the background and returns`, fix: `Run ${name} itself in the foreground as the container's only process.`}
    } else s.kind = 'oneshot'
    return
  }
  if (/^\/etc\/init\.d\//.test(p.argv[0] ?? '') && /^(start|restart)$/.test(a0)) {
    s.kind = 'daemon'
    s.ssh = /ssh/.test(b)
    s.daemon = {why: `\`${b} ${a0}\` starts ${b} in the background and returns`, fix: `Run ${b} in the foreground instead.`}
    return
  }
  if (b === 'sshd') {
    s.ssh = true
    s.kind = hasFlag(args, ['-D']) ? 'server' : 'daemon'
    if (s.kind === 'daemon') s.daemon = {why: 'sshd forks into the background without -D', fix: 'Start sshd with -D, or with `service ssh start` before exec-ing the app.'}
    return
  }
  if (b === 'nginx') {
    s.kind = 'server'
    // The listen port lives in nginx.conf, which is not analysed: no listen address here.
    const g = optValues(args, ['-g']).join(';')
    const ownMainConf = /\/etc\/nginx\/nginx\.conf|\s\/etc\/nginx\/?(\s|$)/.test(ctx.buildText) || hasFlag(args, ['-c'])
    if (hasFlag(args, ['-t', '-T', '-v', '-V']) || optValues(args, ['-s']).length > 0) s.kind = 'oneshot'
    else if (!/daemon\s+off/.test(g) && !/daemon\s+off/.test(ctx.buildText) && !ownMainConf) {
      s.kind = 'daemon'
      s.daemon = {
        why: 'nginx forks into the background unless `daemon off;` is set',
        fix: "Start it with `nginx -g 'daemon off;'` (exec form: [\"nginx\", \"-g\", \"daemon off;\"]).",
      }
    }
    return
  }
  if (b === 'httpd' || b === 'apache2' || b === 'apachectl' || b === 'apache2ctl') {
    s.kind = 'server'
    const fg = args.some((a, i) => a === '-DFOREGROUND' || (a === '-D' && args[i + 1] === 'FOREGROUND'))
    if (!fg) {
      s.kind = 'daemon'
      s.daemon = {why: `${b} forks into the background without -DFOREGROUND`, fix: `Run \`${b} -DFOREGROUND\` (or httpd-foreground / apache2-foreground).`}
    }
    return
  }
  if (b === 'httpd-foreground' || b === 'apache2-foreground' || b === 'catalina.sh' || b === 'caddy' || b === 'pm2-runtime') {
    s.kind = 'server'
    if (b === 'catalina.sh' && a0 === 'start') {
      s.kind = 'daemon'
      s.daemon = {why: '`catalina.sh start` runs Tomcat in the background', fix: 'Use `catalina.sh run`.'}
    }
    return
  }
  if (b === 'pm2' && a0 === 'start') {
    s.kind = 'daemon'
    s.daemon = {why: '`pm2 start` hands the app to the pm2 daemon and returns', fix: 'Use `pm2-runtime start ecosystem.config.js`, or run `node` directly.'}
    return
  }
  if (b === 'supervisord' || b === 'honcho' || b === 'foreman' || b === 'concurrently' || b === 'overmind' || b === 's6-svscan' || b === 'runsvdir') {
    s.kind = 'supervisor'
    if (b === 'supervisord' && !hasFlag(args, ['-n', '--nodaemon']) && !/nodaemon|supervisor\S*\.conf|-c\s/.test(`${ctx.buildText} ${args.join(' ')}`))
      s.daemon = {why: 'supervisord forks into the background unless -n (or nodaemon=true)', fix: 'Start it with `supervisord -n`.'}
    return
  }
  if (b === 'php-fpm' || /^php-fpm[0-9.]+$/.test(b)) {
    if (hasFlag(args, ['-D', '--daemonize'])) {
      s.kind = 'daemon'
      s.daemon = {why: `${b} --daemonize forks into the background`, fix: `Run \`${b} -F\` (foreground).`}
    } else s.kind = 'server'
    return
  }
  if (b === 'redis-server' && args.join(' ').match(/--daemonize\s+yes/)) {
    s.kind = 'daemon'
    s.daemon = {why: 'redis-server --daemonize yes forks into the background', fix: 'Remove --daemonize yes.'}
    return
  }
  if (b === 'mongod' && hasFlag(args, ['--fork'])) {
    s.kind = 'daemon'
    s.daemon = {why: 'mongod --fork forks into the background', fix: 'Remove --fork.'}
    return
  }
  if ((b === 'cron' || b === 'crond') && !hasFlag(args, ['-f', '-n'])) {
    s.kind = 'daemon'
    s.daemon = {why: `${b} forks into the background`, fix: `Run scheduled jobs elsewhere (WebJobs, Azure Functions), or \`${b} -f\`.`}
    return
  }
  if (b === 'start-stop-daemon' || b === 'daemonize' || (b === 'screen' && /-d/.test(args.join(' '))) || (b === 'tmux' && args.includes('-d'))) {
    s.kind = 'daemon'
    s.daemon = {why: `${b} detaches the program from the container's main process`, fix: 'Run the program directly in the foreground.'}
    return
  }
  if (b === 'tail' && hasFlag(args, ['-f', '-F', '--follow'])) {
    const files = positionals(args, ['-n', '--lines'])
    s.kind = files.every((f) => KEEPALIVE_FILES.test(f)) ? 'keepalive' : 'app'
    return
  }
  if (b === 'uwsgi') {
    s.kind = 'server'
    const http = last(optValues(args, ['--http', '--http-socket']))
    if (http) s.listens.push(parseHostPort(http, 'uwsgi --http'))
    if (hasFlag(args, ['--daemonize', '-d'])) s.daemon = {why: 'uwsgi --daemonize forks into the background', fix: 'Remove --daemonize.'}
    logFlags(s, args, ['--logto', '--daemonize', '-d'])
    return
  }
  // An unknown program (the app's own binary): Go-style listen flags and generic log-file flags.
  goFlags(s, args)
  logFlags(s, args, ['--log-file', '--logfile', '--log-path', '-log_dir', '--log_dir'])
  if (b === 'while' || b === 'until') s.kind = 'oneshot'
}
