// Newcomer-reported gaps: nginx daemon/listen/logs from a copied nginx.conf, fixes that keep the image's own port
// and server, malformed exec form, ENV PORT, rails server's default bind, busybox httpd.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {type AnalyzeContext, analyzeDockerfile, type Finding} from '../../../src/doctor/index.js'

const TODAY = '2026-11-28'
const run = (text: string, ctx: AnalyzeContext = {}): Finding[] => analyzeDockerfile(text, {today: TODAY, ...ctx})
const rules = (text: string, ctx?: AnalyzeContext) => run(text, ctx).map((f) => f.rule)
const one = (text: string, rule: string, ctx?: AnalyzeContext): Finding => {
  const f = run(text, ctx).find((x) => x.rule === rule)
  assert.ok(f, `expected ${rule} in ${JSON.stringify(rules(text, ctx))}`)
  return f
}
const context = (files: Record<string, string>) => ({readContextFile: (p: string) => files[p]})

const NGINX = (cmd: string, copy = 'COPY nginx.conf /etc/nginx/nginx.conf') =>
  `FROM nginx:1.29-alpine\n${copy}\nUSER nginx\nEXPOSE 8080\nCMD ${cmd}\n`

describe('nginx with a copied nginx.conf', () => {
  it('flags an explicit `daemon on` in -g even when an nginx.conf is copied', () => {
    const f = one(NGINX(`["nginx", "-g", "daemon on;"]`), 'foreground/daemon')
    assert.match(f.message, /daemon on/)
    assert.equal(f.severity, 'error')
  })

  it('reads `daemon on;` and a missing `daemon off;` from the copied file', () => {
    const on = one(NGINX('["nginx"]'), 'foreground/daemon', context({'nginx.conf': 'daemon on;\nevents {}\n'}))
    assert.match(on.message, /`daemon on;` in nginx\.conf/)
    const none = one(NGINX('["nginx"]'), 'foreground/daemon', context({'nginx.conf': 'events {}\nhttp {}\n'}))
    assert.match(none.message, /nginx\.conf has no `daemon off;`/)
    const off = context({'nginx.conf': '# daemon on;\ndaemon off;\nhttp { server { listen 8080; } }\n'})
    assert.deepEqual(rules(NGINX('["nginx"]'), off), [])
  })

  it('keeps the old judgement when the copied file is not in the build context', () => {
    assert.ok(!rules(NGINX('["nginx"]'), context({})).includes('foreground/daemon'))
    assert.ok(rules(NGINX('["nginx"]', 'COPY site /usr/share/nginx/html')).includes('foreground/daemon'))
  })

  it("checks the copied confs' listen addresses and log paths (conf.d too, and COPY into a directory)", () => {
    const files = context({
      'nginx.conf': 'daemon off;\nevents {}\nhttp { include conf.d/*.conf; }\n',
      'site.conf': 'server {\n  listen 9090;\n  access_log /var/log/site/access.log;\n  error_log /dev/stderr;\n}\n',
    })
    const text = NGINX('["nginx"]', 'COPY nginx.conf /etc/nginx/\nCOPY site.conf /etc/nginx/conf.d/')
    const mismatch = one(text, 'port/bind-mismatch', files)
    assert.match(mismatch.message, /9090 \(listen in site\.conf\)/)
    const log = one(text, 'logs/file', files)
    assert.match(log.message, /\/var\/log\/site\/access\.log/)
    assert.match(log.fix, /access_log \/dev\/stdout;/)
    const loop = one(
      NGINX('["nginx"]'),
      'listen/loopback',
      context({'nginx.conf': 'daemon off;\nhttp { server { listen 127.0.0.1:8080; } }'}),
    )
    assert.match(loop.fix, /listen 8080;/)
  })

  it("does not flag the official image's /var/log/nginx/*.log, which it links to stdout/stderr", () => {
    const files = context({
      'nginx.conf': 'daemon off;\nhttp { access_log /var/log/nginx/access.log; server { listen 8080; } }',
    })
    assert.deepEqual(rules(NGINX('["nginx"]'), files), [])
  })
})

describe('fixes keep the image’s own port and server', () => {
  it('flask run on 5000: the gunicorn fix binds 5000 and names the app', () => {
    const f = one(
      'FROM python:3.12-slim\nUSER 1\nEXPOSE 5000\nCMD ["flask", "--app", "web", "run", "--host", "0.0.0.0"]\n',
      'devserver/dev-server',
    )
    assert.match(f.fix, /gunicorn --bind 0\.0\.0\.0:5000 web:app/)
    const p = one(
      'FROM python:3.12-slim\nUSER 1\nEXPOSE 5001\nCMD flask run --host 0.0.0.0 --port 5001\n',
      'devserver/dev-server',
    )
    assert.match(p.fix, /0\.0\.0\.0:5001 app:app/)
  })

  it('runserver on 8080: the fixes use 8080', () => {
    const f = run('FROM python:3.12-slim\nUSER 1\nEXPOSE 8080\nCMD python manage.py runserver 127.0.0.1:8080\n')
    assert.match(f.find((x) => x.rule === 'devserver/dev-server')!.fix, /0\.0\.0\.0:8080/)
    assert.match(f.find((x) => x.rule === 'listen/loopback')!.fix, /runserver 0\.0\.0\.0:8080/)
  })

  it('distribution Apache gets Apache log paths, not nginx ones', () => {
    const text =
      'FROM debian:12\nRUN apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*\nEXPOSE 80\nCMD ["apache2ctl", "-D", "FOREGROUND"]\n'
    const f = one(text, 'logs/file')
    assert.match(f.message, /^Apache/)
    assert.match(f.fix, /\/var\/log\/apache2\/access\.log/)
    assert.doesNotMatch(f.fix, /nginx/)
    const nginx = one(
      'FROM debian:12\nRUN apt-get install -y nginx && rm -rf /var/lib/apt/lists/*\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n',
      'logs/file',
    )
    assert.match(nginx.fix, /\/var\/log\/nginx\/access\.log/)
  })
})

describe('start command and port details', () => {
  it('flags a malformed exec-form CMD [ (Docker runs it through a shell)', () => {
    for (const cmd of [
      'CMD ["node" "server.js"]',
      "CMD ['node', 'server.js']",
      'CMD [',
      'ENTRYPOINT ["gunicorn", app]',
    ]) {
      const f = one(`FROM node:22-alpine\nUSER node\nEXPOSE 3000\n${cmd}\n`, 'foreground/malformed-exec-form')
      assert.equal(f.line, 4)
      assert.equal(f.severity, 'error')
    }
    assert.ok(
      !rules('FROM node:22-alpine\nUSER node\nEXPOSE 3000\nCMD ["node", "s.js"]\n').includes(
        'foreground/malformed-exec-form',
      ),
    )
  })

  it('counts ENV PORT as the port when the start command names none', () => {
    const base = 'FROM node:22-alpine\nUSER node\n'
    assert.deepEqual(rules(`${base}ENV PORT=8080\nCMD ["node", "server.js"]\n`), ['port/no-expose'])
    const f = one(`${base}ENV PORT=3000\nCMD ["node", "server.js"]\n`, 'port/unreachable')
    assert.match(f.message, /listens on 3000 \(ENV PORT\)/)
    assert.match(f.fix, /EXPOSE 3000/)
    assert.ok(rules(`${base}CMD ["node", "server.js"]\n`).includes('port/unreachable'))
  })

  it('flags rails server without -b (localhost in development), not with -b 0.0.0.0 or in production', () => {
    const rails = (cmd: string, env = '') => `FROM ruby:3.3-slim\nUSER 1000\n${env}EXPOSE 3000\nCMD ${cmd}\n`
    const f = one(rails('["bundle", "exec", "rails", "server"]'), 'listen/loopback')
    assert.match(f.message, /rails server listens on localhost:3000 by default/)
    assert.match(f.fix, /rails server -b 0\.0\.0\.0/)
    assert.ok(rules(rails('bin/rails s -p 3000')).includes('listen/loopback'))
    assert.deepEqual(rules(rails('["rails", "server", "-b", "0.0.0.0"]')), [])
    assert.deepEqual(rules(rails('["rails", "server"]', 'ENV RAILS_ENV=production\n')), [])
    assert.deepEqual(rules(rails('["rails", "server", "-p", "3000"]', 'ENV BINDING=0.0.0.0\n')), [])
  })

  it('busybox httpd: -f keeps it in the foreground, -p [IP:]PORT is where it listens', () => {
    const bb = (cmd: string) => `FROM busybox:1.37\nUSER nobody\nEXPOSE 8080\nENTRYPOINT ${cmd}\n`
    assert.deepEqual(rules(bb('["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]')), [])
    assert.deepEqual(rules(bb('["/bin/busybox", "httpd", "-f", "-p", "0.0.0.0:8080", "-h", "/www"]')), [])
    const d = one(bb('["/bin/busybox", "httpd", "-p", "8080", "-h", "/www"]'), 'foreground/daemon')
    assert.match(d.fix, /busybox httpd -f -p 0\.0\.0\.0:8080/)
    const l = one(bb('["/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www"]'), 'listen/loopback')
    assert.match(l.fix, /busybox httpd -f -p 0\.0\.0\.0:8080/)
    // `busybox sh -c '…'` is a shell too: the script's httpd is read.
    const sh = one(bb('["/bin/busybox", "sh", "-c", "/bin/busybox httpd -p 8080 -h /www"]'), 'foreground/daemon')
    assert.match(sh.fix, /busybox httpd -f -p 0\.0\.0\.0:8080/)
    const m = one(bb('["/bin/busybox", "httpd", "-f", "-p", "9090", "-h", "/www"]'), 'port/bind-mismatch')
    assert.match(m.message, /9090/)
    // Apache's httpd (no busybox options, not a busybox base) keeps its own rule and advice.
    assert.match(one('FROM debian:12\nEXPOSE 80\nCMD ["httpd"]\n', 'foreground/daemon').fix, /-DFOREGROUND/)
  })
})
