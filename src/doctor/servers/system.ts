/** Web servers, init scripts, daemons, supervisors and keep-alives: who stays in the foreground. */
import {parseHostPort} from '../address.js'
import {type Handler, hasFlag, last, logFlags, optValues, positionals} from './common.js'

const KEEPALIVE_FILES = /^\/dev\/null$|^\/dev\/stdout$|\.log$|^\/var\/log\//

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
    s.kind = 'server'
    // The listen port lives in nginx.conf, which is not analysed: no listen address here.
    const g = optValues(args, ['-g']).join(';')
    const ownMainConf = /\/etc\/nginx\/nginx\.conf|\s\/etc\/nginx\/?(\s|$)/.test(ctx.buildText) || hasFlag(args, ['-c'])
    if (hasFlag(args, ['-t', '-T', '-v', '-V']) || optValues(args, ['-s']).length > 0) s.kind = 'oneshot'
    else if (!/daemon\s+off/.test(g) && !/daemon\s+off/.test(ctx.buildText) && !ownMainConf) {
      s.kind = 'daemon'
      s.daemon = {
        why: 'nginx forks into the background unless `daemon off;` is set',
        fix: 'Start it with `nginx -g \'daemon off;\'` (exec form: ["nginx", "-g", "daemon off;"]).',
      }
    }
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
