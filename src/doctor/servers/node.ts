/** JavaScript servers and tools: Next.js, framework dev servers, reloaders, node/deno/bun, npm/yarn/pnpm scripts. */
import type {Listen} from '../address.js'
import {parsePort} from '../address.js'
import {type Handler, hasFlag, hostAndPort, hostOnly, last, optValues, positionals, type Server} from './common.js'

const DEV_SERVERS: Array<[string, (a0: string) => boolean, string, number]> = [
  ['ng', (a) => a === 'serve', 'localhost', 4200],
  ['vite', (a) => a !== 'build', 'localhost', 5173],
  ['webpack-dev-server', () => true, 'localhost', 8080],
  ['webpack', (a) => a === 'serve', 'localhost', 8080],
  ['react-scripts', (a) => a === 'start', '0.0.0.0', 3000],
  ['vue-cli-service', (a) => a === 'serve', '0.0.0.0', 8080],
  ['nuxt', (a) => a === 'dev', '0.0.0.0', 3000],
  ['nuxi', (a) => a === 'dev', '0.0.0.0', 3000],
  ['gatsby', (a) => a === 'develop', 'localhost', 8000],
  ['astro', (a) => a === 'dev', 'localhost', 4321],
  ['remix', (a) => a === 'dev', '0.0.0.0', 3000],
  ['parcel', (a) => a !== 'build', '0.0.0.0', 1234],
]
const RELOADERS = new Set(['nodemon', 'ts-node-dev', 'tsnd', 'air', 'reflex', 'watchexec', 'watchmedo'])

function next(s: Server, args: string[], env: (n: string) => string | undefined): void {
  const sub = positionals(args, ['-p', '--port', '-H', '--hostname'])[0] ?? 'dev'
  s.name = `next ${sub}`
  if (sub === 'build') {
    s.kind = 'oneshot'
    s.buildAtStart = {fix: 'Run `next build` in a RUN step and start with `next start` (or the standalone server.js).'}
    return
  }
  s.kind = 'server'
  const portEnv = env('PORT')
  const p = last(optValues(args, ['-p', '--port']))
  const h = last(optValues(args, ['-H', '--hostname']))
  const l: Listen = {...hostOnly(h, '0.0.0.0', s.name), hint: `${s.name} -H 0.0.0.0`}
  Object.assign(
    l,
    p !== undefined ? parsePort(p) : portEnv !== undefined ? parsePort(portEnv) : {port: 3000, portDefault: true},
  )
  l.raw = p ?? portEnv ?? '3000'
  s.listens.push(l)
  if (sub === 'dev')
    s.dev = {
      fix: 'Build in the image with `next build` and start with `next start` (or `node server.js` for output: standalone).',
    }
}

function packageManager(s: Server, b: string, args: string[]): void {
  const pos = positionals(args, ['--prefix', '-w', '--workspace', '--cwd', '--filter'])
  let script = pos[0] ?? ''
  if (script === 'run' || script === 'run-script') script = pos[1] ?? ''
  if (['install', 'i', 'ci', 'add'].includes(script)) {
    s.kind = 'oneshot'
    s.buildAtStart = {fix: 'Install dependencies in a RUN step, not when the container starts.'}
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

export const node: Handler = (s, b, args, env) => {
  const a0 = args[0] ?? ''
  if (b === 'next') {
    next(s, args, env)
    return true
  }
  const dev = DEV_SERVERS.find(([name, sub]) => name === b && sub(a0))
  if (dev) {
    s.kind = 'server'
    s.name = [b, a0 && !a0.startsWith('-') ? a0 : ''].join(' ').trim()
    s.listens.push(hostAndPort(args, env, s.name, {host: ['--host', '--hostname'], port: ['--port']}, dev[2], dev[3]))
    s.dev = {
      fix: "Build the site in the image (`npm run build`) and serve the output with nginx or the framework's production server.",
    }
    return true
  }
  if (RELOADERS.has(b) || (b === 'tsx' && a0 === 'watch')) {
    s.reload = {flag: b, fix: `Run the program directly (for Node, \`node dist/server.js\`) instead of under ${b}.`}
    return true
  }
  if (b === 'ts-node') {
    s.buildAtStart = {fix: 'Compile with tsc in the image and run `node dist/<entry>.js`.'}
    return true
  }
  if (
    ['npm', 'yarn', 'pnpm'].includes(b) ||
    (b === 'bun' && !/\.(m?[jt]sx?)$/.test(a0 === 'run' ? (args[1] ?? '') : a0))
  ) {
    packageManager(s, b, args)
    return true
  }
  if (b === 'node' || b === 'nodejs' || b === 'deno' || b === 'bun') {
    if (hasFlag(args, ['--watch'])) s.reload = {flag: '--watch', fix: 'Remove --watch.'}
    return true
  }
  return false
}
