/** nginx: foreground (`daemon off;` in -g or in a copied nginx.conf), listen addresses and log paths of copied confs. */
import {parseHostPort} from '../address.js'
import type {CopiedFile} from '../copied.js'
import {hasFlag, optValues, type Server, type ServerCtx} from './common.js'

interface Directive {
  name: string
  args: string[]
  file: CopiedFile
}

/** The simple directives of an nginx config (comments dropped; blocks flattened): one linear scan. */
export function nginxDirectives(file: CopiedFile): Directive[] {
  const text = file.text.replace(/#[^\n]*/g, '')
  const out: Directive[] = []
  for (const stmt of text.split(/[;{}]/)) {
    const words = stmt.trim().split(/\s+/)
    if (words[0]) out.push({name: words[0], args: words.slice(1).map((w) => w.replace(/^["']|["']$/g, '')), file})
  }
  return out
}

const daemonIn = (text: string): 'on' | 'off' | undefined =>
  (/(?:^|;)\s*daemon\s+(on|off)\s*(?:;|$)/.exec(text)?.[1] as 'on' | 'off' | undefined) ?? undefined
const STDIO_LOG = /^(\/dev\/(stdout|stderr)|\/proc\/self\/fd\/[12]|off|stderr|syslog:.*|memory:.*)$/
/** The official nginx images link these to stdout/stderr. */
const LINKED_LOGS = /^\/var\/log\/nginx\/(access|error)\.log$/

const DAEMON_FIX = 'Start it with `nginx -g \'daemon off;\'` (exec form: ["nginx", "-g", "daemon off;"]).'

export function nginx(s: Server, args: string[], ctx: ServerCtx): void {
  s.kind = 'server'
  if (hasFlag(args, ['-t', '-T', '-v', '-V']) || optValues(args, ['-s']).length > 0) {
    s.kind = 'oneshot'
    return
  }
  const g = optValues(args, ['-g']).join(';')
  const confPath = optValues(args, ['-c'])[0] ?? '/etc/nginx/nginx.conf'
  const confs = ctx.nginxConfs ?? []
  const main = confs.find((c) => c.dest === confPath)
  const directives = confs.flatMap(nginxDirectives)
  const mainDaemon = main ? directives.filter((d) => d.file === main && d.name === 'daemon').pop() : undefined
  const gDaemon = daemonIn(g)
  if (gDaemon === 'on' || (gDaemon === undefined && mainDaemon?.args[0] === 'on')) {
    const where = gDaemon === 'on' ? "-g 'daemon on;'" : `\`daemon on;\` in ${mainDaemon!.file.source}`
    s.kind = 'daemon'
    s.daemon = {why: `nginx forks into the background: ${where}`, fix: `Set \`daemon off;\` instead. ${DAEMON_FIX}`}
  } else if (gDaemon === 'off' || mainDaemon?.args[0] === 'off' || /daemon\s+off/.test(ctx.buildText)) {
    // In the foreground.
  } else if (
    main ||
    !(/\/etc\/nginx\/nginx\.conf|\s\/etc\/nginx\/?(\s|$)/.test(ctx.buildText) || hasFlag(args, ['-c']))
  ) {
    // Its own nginx.conf was read and has no `daemon off;`, or it is nginx's default one: nginx daemonizes.
    s.kind = 'daemon'
    s.daemon = {
      why: main
        ? `nginx forks into the background: ${main.source} has no \`daemon off;\` and nginx -g does not set it`
        : 'nginx forks into the background unless `daemon off;` is set',
      fix: DAEMON_FIX,
    }
  }
  for (const d of directives) {
    if (d.name === 'listen' && d.args[0]) {
      const l = parseHostPort(d.args[0], `listen in ${d.file.source}`, {host: '0.0.0.0', port: 80})
      s.listens.push({...l, hint: `listen ${l.port ?? 80};`})
    }
    if ((d.name === 'access_log' || d.name === 'error_log') && d.args[0]) {
      const path = d.args[0]
      if (STDIO_LOG.test(path) || (ctx.stdoutLogs && LINKED_LOGS.test(path))) continue
      const to = d.name === 'access_log' ? '/dev/stdout' : '/dev/stderr'
      s.logFiles.push({flag: `${d.name} (${d.file.source})`, path, fix: `Use \`${d.name} ${to};\`.`})
    }
  }
}
