/** Python servers: gunicorn, uvicorn, hypercorn, daphne, waitress, flask run, Django runserver, fastapi, streamlit. */
import {parseHostPort, parsePort} from '../address.js'
import {type Handler, hasFlag, hostAndPort, hostOnly, last, logFlags, optValues, positionals} from './common.js'

export const python: Handler = (s, b, args, env, ctx) => {
  switch (b) {
    case 'gunicorn': {
      s.kind = 'server'
      const binds = optValues(args, ['-b', '--bind'])
      for (const v of binds) s.listens.push(parseHostPort(v, 'gunicorn --bind', {port: 8000}))
      if (binds.length === 0)
        for (const v of optValues((env('GUNICORN_CMD_ARGS') ?? '').split(/\s+/), ['-b', '--bind'])) {
          binds.push(v)
          s.listens.push(parseHostPort(v, 'GUNICORN_CMD_ARGS', {port: 8000}))
        }
      if (binds.length === 0 && !hasFlag(args, ['-c', '--config']) && !/gunicorn\.conf\.py/.test(ctx.buildText)) {
        // Without --bind gunicorn listens on 0.0.0.0:$PORT when PORT is set, else on 127.0.0.1:8000.
        const port = env('PORT')
        const l = parseHostPort(port !== undefined ? `0.0.0.0:${port}` : '127.0.0.1:8000', "gunicorn's default bind")
        s.listens.push({...l, hostDefault: true, portDefault: port === undefined, hint: 'gunicorn --bind 0.0.0.0:8000'})
      }
      if (hasFlag(args, ['-D', '--daemon']))
        s.daemon = {why: 'gunicorn --daemon forks into the background', fix: 'Remove --daemon.'}
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      logFlags(s, args, ['--access-logfile', '--error-logfile', '--log-file'])
      return true
    }
    case 'uvicorn':
      s.kind = 'server'
      if (hasFlag(args, ['--uds', '--fd'])) s.listens.push({source: 'uvicorn --uds', raw: '', notTcp: true})
      else
        s.listens.push(
          hostAndPort(
            args,
            env,
            'uvicorn',
            {host: ['--host'], port: ['--port'], envPrefix: 'UVICORN'},
            '127.0.0.1',
            8000,
          ),
        )
      if (hasFlag(args, ['--reload']))
        s.reload = {flag: '--reload', fix: 'Remove --reload; use --workers N for more processes.'}
      return true
    case 'hypercorn': {
      s.kind = 'server'
      const binds = optValues(args, ['-b', '--bind'])
      for (const v of binds) s.listens.push(parseHostPort(v, 'hypercorn --bind', {port: 8000}))
      if (binds.length === 0 && !hasFlag(args, ['-c', '--config']))
        s.listens.push({
          ...parseHostPort('127.0.0.1:8000', "hypercorn's default bind"),
          hostDefault: true,
          portDefault: true,
          hint: 'hypercorn --bind 0.0.0.0:8000',
        })
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      logFlags(s, args, ['--access-logfile', '--error-logfile', '--log-file'])
      return true
    }
    case 'daphne':
      s.kind = 'server'
      if (!hasFlag(args, ['-e', '--endpoint', '-u', '--unix-socket']))
        s.listens.push(
          hostAndPort(args, env, 'daphne', {host: ['-b', '--bind'], port: ['-p', '--port']}, '127.0.0.1', 8000),
        )
      return true
    case 'waitress-serve':
    case 'waitress': {
      s.kind = 'server'
      const listen = optValues(args, ['--listen'])
      for (const v of listen) s.listens.push(parseHostPort(v, 'waitress-serve --listen', {port: 8080}))
      if (listen.length === 0)
        s.listens.push(hostAndPort(args, env, 'waitress-serve', {host: ['--host'], port: ['--port']}, '0.0.0.0', 8080))
      return true
    }
    case 'flask': {
      const at = args.indexOf('run')
      if (at < 0) {
        s.kind = 'oneshot'
        return true
      }
      s.kind = 'server'
      s.name = 'flask run'
      const runArgs = args.slice(at + 1)
      const l = hostAndPort(
        runArgs,
        env,
        'flask run',
        {host: ['--host', '-h'], port: ['--port', '-p'], envPrefix: 'FLASK_RUN'},
        '127.0.0.1',
        5000,
      )
      s.listens.push(l)
      // The app's own port and module, so the fix does not move it (EXPOSE and WEBSITES_PORT stay right).
      const port = l.port ?? (l.portVar ? `$${l.portVar}` : 5000)
      const module = (last(optValues(args, ['--app', '-A'])) ?? env('FLASK_APP') ?? 'app').replace(/\.py$/, '')
      const target = module.includes(':') ? module : `${module}:app`
      s.dev = {fix: `Serve the app with gunicorn: \`gunicorn --bind 0.0.0.0:${port} ${target}\`.`}
      if (hasFlag(args, ['--debug', '--reload'])) s.reload = {flag: '--debug/--reload', fix: 'Remove --debug/--reload.'}
      return true
    }
    case 'manage.py': {
      const pos = positionals(args, ['--settings', '--pythonpath'])
      if (pos[0] !== 'runserver') {
        s.kind = 'oneshot'
        return true
      }
      s.kind = 'server'
      s.name = 'manage.py runserver'
      const addr = pos[1]
      const l = addr
        ? parseHostPort(addr, 'runserver address', {host: '127.0.0.1', port: 8000})
        : {...parseHostPort('127.0.0.1:8000', "runserver's default"), hostDefault: true, portDefault: true}
      const port = l.port ?? 8000
      s.listens.push({...l, hint: `manage.py runserver 0.0.0.0:${port}`})
      s.dev = {fix: `Serve the project with gunicorn: \`gunicorn --bind 0.0.0.0:${port} <project>.wsgi\`.`}
      return true
    }
    case 'fastapi': {
      s.kind = 'server'
      const sub = positionals(args, ['--host', '--port', '--app', '--root-path'])[0]
      s.name = `fastapi ${sub ?? ''}`.trim()
      const dev = sub === 'dev'
      s.listens.push(
        hostAndPort(args, env, s.name, {host: ['--host'], port: ['--port']}, dev ? '127.0.0.1' : '0.0.0.0', 8000),
      )
      if (dev) s.dev = {fix: 'Use `fastapi run` (or uvicorn --host 0.0.0.0) without --reload.'}
      if (hasFlag(args, ['--reload'])) s.reload = {flag: '--reload', fix: 'Remove --reload.'}
      return true
    }
    case 'http.server': {
      s.kind = 'server'
      s.name = 'python -m http.server'
      const port = positionals(args, ['-b', '--bind', '-d', '--directory'])[0]
      const host = last(optValues(args, ['-b', '--bind']))
      s.listens.push({
        ...hostOnly(host, '0.0.0.0', s.name),
        ...(port ? parsePort(port) : {port: 8000, portDefault: true}),
        raw: port ?? '',
      })
      s.dev = {fix: 'Serve static files with nginx, or the app with gunicorn.'}
      return true
    }
    case 'streamlit':
      s.kind = 'server'
      s.listens.push(
        hostAndPort(
          args,
          env,
          'streamlit',
          {host: ['--server.address'], port: ['--server.port'], envPrefix: 'STREAMLIT_SERVER'},
          '0.0.0.0',
          8501,
        ),
      )
      return true
  }
  return false
}
