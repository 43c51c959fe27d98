/** Web servers, init scripts, daemons, supervisors and keep-alives: who stays in the foreground. */
import {parseHostPort} from '../address.js'
import {type Handler, hasFlag, last, logFlags, optValues, positionals, type Server} from './common.js'
import {nginx} from './nginx.js'

const KEEPALIVE_FILES = /^\/dev\/null$|^\/dev\/stdout$|\.log$|^\/var\/log\//

/** `httpd` is busybox's when the base image is busybox or it gets busybox-only options (`-p PORT`, `-h DIR`). */
function busyboxStyle(args: string[], busybox: boolean | undefined): boolean {
  return busybox === true || args.some((a, i) => /^-p/.test(a) || (a === '-h' && args[i + 1] !== undefined))
}

/** busybox httpd: daemonizes unless -f; listens on `-p [IP:]PORT` (default 0.0.0.0:80). */
function busyboxHttpd(s: Server, args: string[]): void {
  s.kind = 'server'
  s.name = 'busybox httpd'
  const p = last(optValues(args, ['-p']))
  const l = p
    ? parseHostPort(p, 'busybox httpd -p', {host: '0.0.0.0'})
    : {host: '0.0.0.0', port: 80, hostDefault: true, portDefault: true, source: 'busybox httpd', raw: ''}
  s.listens.push({...l, hint: `busybox httpd -f -p 0.0.0.0:${l.port ?? 80}`})
  if (!args.some((a) => /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a))) {
    s.kind = 'daemon'
    s.daemon = {
      why: 'busybox httpd forks into the background without -f',
      fix: `Run it in the foreground: \`busybox httpd -f -p 0.0.0.0:${l.port ?? 80} -h /www\`.`,
    }
  }
}

export const system: Handler = (s, b, args, _env, ctx, argv) => {
  const a0 = args[0] ?? ''
  if (b === 'service' || b === 'rc-service' || b === 'invoke-rc.d' || (b === 'systemctl' && a0 === 'start')) {
    const name = b === 'systemctl' ? (args[1] ?? '') : a0
    const action = b === 'systemctl' ? 'start' : (args[1] ?? '')
    if (/^(start|restart)$/.test(action)) {
      s.kind = 'daemon'
      s.name = `${b} ${name} ${action}`
      s.ssh = /^ssh/.test(name)
      s.daemon = {
        why: `\`${s.name}\` starts ${name} in the background and returns`,
        fix: `Run ${name} itself in the foreground as the container's only process.`,
      }
    } else s.kind = 'oneshot'
    return true
  }
  if (/^\/etc\/init\.d\//.test(argv[0] ?? '') && /^(start|restart)$/.test(a0)) {
    s.kind = 'daemon'
    s.ssh = /ssh/.test(b)
    s.daemon = {
      why: `\`${b} ${a0}\` starts ${b} in the background and returns`,
      fix: `Run ${b} in the foreground instead.`,
    }
    return true
  }
  if (b === 'sshd') {
    s.ssh = true
    s.kind = hasFlag(args, ['-D']) ? 'server' : 'daemon'
    if (s.kind === 'daemon')
      s.daemon = {
        why: 'sshd forks into the background without -D',
        fix: 'Start sshd with -D, or with `service ssh start` before exec-ing the app.',
      }
    return true
  }
  if (b === 'nginx') {
    nginx(s, args, ctx)
    return true
  }
  if ((b === 'busybox' && a0 === 'httpd') || (b === 'httpd' && busyboxStyle(args, ctx.busybox))) {
    busyboxHttpd(s, b === 'busybox' ? args.slice(1) : args)
    return true
  }
  if (b === 'httpd' || b === 'apache2' || b === 'apachectl' || b === 'apache2ctl') {
    s.kind = 'server'
    const fg = args.some((a, i) => a === '-DFOREGROUND' || (a === '-D' && args[i + 1] === 'FOREGROUND'))
    if (!fg) {
      s.kind = 'daemon'
      s.daemon = {
        why: `${b} forks into the background without -DFOREGROUND`,
        fix: `Run \`${b} -DFOREGROUND\` (or httpd-foreground / apache2-foreground).`,
      }
    }
    return true
  }
  if (
    b === 'httpd-foreground' ||
    b === 'apache2-foreground' ||
    b === 'catalina.sh' ||
    b === 'caddy' ||
    b === 'pm2-runtime'
  ) {
    s.kind = 'server'
    if (b === 'catalina.sh' && a0 === 'start') {
      s.kind = 'daemon'
      s.daemon = {why: '`catalina.sh start` runs Tomcat in the background', fix: 'Use `catalina.sh run`.'}
    }
    return true
  }
  if (b === 'pm2' && a0 === 'start') {
    s.kind = 'daemon'
    s.daemon = {
      why: '`pm2 start` hands the app to the pm2 daemon and returns',
      fix: 'Use `pm2-runtime start ecosystem.config.js`, or run `node` directly.',
    }
    return true
  }
  if (
    b === 'supervisord' ||
    b === 'honcho' ||
    b === 'foreman' ||
    b === 'concurrently' ||
    b === 'overmind' ||
    b === 's6-svscan' ||
    b === 'runsvdir'
  ) {
    s.kind = 'supervisor'
    if (
      b === 'supervisord' &&
      !hasFlag(args, ['-n', '--nodaemon']) &&
      !/nodaemon|supervisor\S*\.conf|-c\s/.test(`${ctx.buildText} ${args.join(' ')}`)
    )
      s.daemon = {
        why: 'supervisord forks into the background unless -n (or nodaemon=true)',
        fix: 'Start it with `supervisord -n`.',
      }
    return true
  }
  if (b === 'php-fpm' || /^php-fpm[0-9.]+$/.test(b)) {
    if (hasFlag(args, ['-D', '--daemonize'])) {
      s.kind = 'daemon'
      s.daemon = {why: `${b} --daemonize forks into the background`, fix: `Run \`${b} -F\` (foreground).`}
    } else s.kind = 'server'
    return true
  }
  if (b === 'redis-server' && args.join(' ').match(/--daemonize\s+yes/)) {
    s.kind = 'daemon'
    s.daemon = {why: 'redis-server --daemonize yes forks into the background', fix: 'Remove --daemonize yes.'}
    return true
  }
  if (b === 'mongod' && hasFlag(args, ['--fork'])) {
    s.kind = 'daemon'
    s.daemon = {why: 'mongod --fork forks into the background', fix: 'Remove --fork.'}
    return true
  }
  if ((b === 'cron' || b === 'crond') && !hasFlag(args, ['-f', '-n'])) {
    s.kind = 'daemon'
    s.daemon = {
      why: `${b} forks into the background`,
      fix: `Run scheduled jobs elsewhere (WebJobs, Azure Functions), or \`${b} -f\`.`,
    }
    return true
  }
  if (
    b === 'start-stop-daemon' ||
    b === 'daemonize' ||
    (b === 'screen' && /-d/.test(args.join(' '))) ||
    (b === 'tmux' && args.includes('-d'))
  ) {
    s.kind = 'daemon'
    s.daemon = {
      why: `${b} detaches the program from the container's main process`,
      fix: 'Run the program directly in the foreground.',
    }
    return true
  }
  if (b === 'tail' && hasFlag(args, ['-f', '-F', '--follow'])) {
    const files = positionals(args, ['-n', '--lines'])
    s.kind = files.every((f) => KEEPALIVE_FILES.test(f)) ? 'keepalive' : 'app'
    return true
  }
  if (b === 'uwsgi') {
    s.kind = 'server'
    const http = last(optValues(args, ['--http', '--http-socket']))
    if (http) s.listens.push(parseHostPort(http, 'uwsgi --http'))
    if (hasFlag(args, ['--daemonize', '-d']))
      s.daemon = {why: 'uwsgi --daemonize forks into the background', fix: 'Remove --daemonize.'}
    logFlags(s, args, ['--logto', '--daemonize', '-d'])
    return true
  }
  return false
}
