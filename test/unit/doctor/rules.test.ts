import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {type AnalyzeContext, analyzeDockerfile, RULES} from '../../../src/doctor/index.js'

const TODAY = '2026-11-28'
const ok = (body: string) => `FROM python:3.13-slim\nUSER app\n${body}`

interface Pair {
  rule: string
  pos: string
  neg: string
  ctx?: AnalyzeContext
  negCtx?: AnalyzeContext
}

/** One positive and one negative Dockerfile for every rule. */
const PAIRS: Pair[] = [
  {
    rule: 'port/invalid',
    pos: ok('EXPOSE $APP_PORT\nCMD ["gunicorn", "-b", ":8000", "a:b"]'),
    neg: ok('ARG APP_PORT=8000\nEXPOSE $APP_PORT\nCMD ["gunicorn", "-b", ":8000", "a:b"]'),
  },
  {
    rule: 'port/invalid',
    pos: ok('EXPOSE 70000\nCMD ["gunicorn", "-b", ":8000", "a:b"]'),
    neg: ok('EXPOSE 8000/tcp\nCMD ["gunicorn", "-b", ":8000", "a:b"]'),
  },
  {
    rule: 'port/unreachable',
    pos: ok('CMD ["gunicorn", "-b", "0.0.0.0:8000", "a:b"]'),
    neg: ok('CMD ["gunicorn", "-b", "0.0.0.0:8080", "a:b"]'),
  },
  {
    rule: 'port/no-expose',
    pos: ok('CMD ["gunicorn", "-b", "0.0.0.0:8000", "a:b"]'),
    ctx: {configuredPort: 8000},
    neg: ok('EXPOSE 8000\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "a:b"]'),
    negCtx: {configuredPort: 8000},
  },
  {
    rule: 'port/expose-mismatch',
    pos: ok('EXPOSE 80\nCMD ["./app"]'),
    ctx: {configuredPort: 8000},
    neg: ok('EXPOSE 8000\nCMD ["./app"]'),
    negCtx: {configuredPort: 8000},
  },
  {
    rule: 'port/bind-mismatch',
    pos: ok('EXPOSE 80\nCMD ["uvicorn", "m:app", "--host", "0.0.0.0"]'),
    neg: ok('EXPOSE 8000\nCMD ["uvicorn", "m:app", "--host", "0.0.0.0"]'),
  },
  {
    rule: 'port/bind-mismatch',
    pos: 'FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nEXPOSE 80\nENTRYPOINT ["dotnet", "A.dll"]',
    neg: 'FROM mcr.microsoft.com/dotnet/aspnet:10.0\nUSER app\nEXPOSE 8080\nENTRYPOINT ["dotnet", "A.dll"]',
  },
  {
    rule: 'port/bind-mismatch',
    pos: ok('EXPOSE 3000\nCMD ["next", "start", "-p", "4000"]'),
    neg: ok('EXPOSE 4000\nCMD ["next", "start", "-p", "4000"]'),
    ctx: {},
    negCtx: {configuredPort: 4000},
  },
  {rule: 'port/multiple', pos: ok('EXPOSE 8000 9090\nCMD ["./app"]'), neg: ok('EXPOSE 8000 9090/udp\nCMD ["./app"]')},
  {
    rule: 'port/unset-variable',
    pos: ok('EXPOSE 8000\nCMD gunicorn -b 0.0.0.0:$PORT a:b'),
    neg: ok('ENV PORT=8000\nEXPOSE 8000\nCMD gunicorn -b 0.0.0.0:$PORT a:b'),
  },
  {
    rule: 'listen/loopback',
    pos: ok('EXPOSE 8000\nCMD ["gunicorn", "a:b"]'),
    neg: ok('EXPOSE 8000\nCMD ["gunicorn", "--bind", ":8000", "a:b"]'),
  },
  {
    rule: 'listen/loopback',
    pos: ok('ENV UVICORN_HOST=localhost\nEXPOSE 8000\nCMD ["uvicorn", "m:app"]'),
    neg: ok('ENV UVICORN_HOST=0.0.0.0\nEXPOSE 8000\nCMD ["uvicorn", "m:app"]'),
  },
  {
    rule: 'listen/loopback',
    pos: ok('EXPOSE 3000\nENV HOSTNAME=127.0.0.1\nCMD ["node", "server.js"]'),
    neg: ok('EXPOSE 3000\nENV HOSTNAME=0.0.0.0\nCMD ["node", "server.js"]'),
  },
  {
    rule: 'listen/malformed',
    pos: ok('EXPOSE 8000\nCMD ["uvicorn", "m:app", "--host", "0.0.0.0:8000"]'),
    neg: ok('EXPOSE 8000\nCMD ["uvicorn", "m:app", "--host", "0.0.0.0", "--port", "8000"]'),
  },
  {
    rule: 'listen/malformed',
    pos: ok('ENV ASPNETCORE_URLS=0.0.0.0:8080\nEXPOSE 8080\nCMD ["dotnet", "A.dll"]'),
    neg: ok('ENV ASPNETCORE_URLS=http://*:8080\nEXPOSE 8080\nCMD ["dotnet", "A.dll"]'),
  },
  {
    rule: 'listen/unexpanded-variable',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
    pos: ok('ENV PORT=8000\nEXPOSE 8000\nCMD ["gunicorn", "-b", "0.0.0.0:${PORT}", "a:b"]'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
    neg: ok('ENV PORT=8000\nEXPOSE 8000\nCMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:${PORT} a:b"]'),
  },
  {
    rule: 'foreground/daemon',
    pos: ok('EXPOSE 80\nCMD ["nginx"]'),
    neg: ok('EXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]'),
  },
  {
    rule: 'foreground/daemon',
    pos: ok('EXPOSE 80\nCMD apachectl start'),
    neg: ok('EXPOSE 80\nCMD ["httpd", "-D", "FOREGROUND"]'),
  },
  {
    rule: 'foreground/daemon',
    pos: ok('EXPOSE 3000\nCMD ["pm2", "start", "app.js"]'),
    neg: ok('EXPOSE 3000\nCMD ["pm2-runtime", "start", "app.js"]'),
  },
  {
    rule: 'foreground/daemon',
    pos: ok('EXPOSE 8000\nCMD service ssh start'),
    neg: ok('EXPOSE 8000\nCMD service ssh start && exec gunicorn -b :8000 a:b'),
  },
  {
    rule: 'foreground/background',
    pos: ok('EXPOSE 8000\nCMD gunicorn -b :8000 a:b &'),
    neg: ok('EXPOSE 8000\nCMD exec gunicorn -b :8000 a:b'),
  },
  {
    rule: 'foreground/keepalive',
    pos: ok('EXPOSE 8000\nCMD gunicorn -b :8000 -D a:b; sleep infinity'),
    neg: ok('EXPOSE 8000\nCMD ["sleep", "5"]'),
  },
  {
    rule: 'foreground/multiple-processes',
    pos: ok('EXPOSE 8000\nCMD cron && gunicorn -b :8000 a:b'),
    neg: ok('EXPOSE 8000\nCMD python manage.py migrate && gunicorn -b :8000 a:b'),
  },
  {
    rule: 'foreground/no-start',
    pos: 'FROM node:22-alpine\nUSER node\nEXPOSE 3000\n',
    neg: 'FROM nginx:1.29\nEXPOSE 80\n',
  },
  {
    rule: 'foreground/package-manager',
    pos: ok('EXPOSE 3000\nCMD ["npm", "start"]'),
    neg: ok('EXPOSE 3000\nCMD ["node", "server.js"]'),
  },
  {
    rule: 'devserver/dev-server',
    pos: ok('EXPOSE 3000\nCMD ["npx", "next", "dev", "-H", "0.0.0.0"]'),
    neg: ok('EXPOSE 3000\nCMD ["npx", "next", "start"]'),
  },
  {
    rule: 'devserver/dev-server',
    pos: ok('EXPOSE 5173\nCMD ["npx", "vite", "--host"]'),
    neg: ok('EXPOSE 5173\nCMD ["npx", "vite", "build"]'),
  },
  {
    rule: 'devserver/reload',
    pos: ok('EXPOSE 8000\nCMD ["gunicorn", "--reload", "-b", ":8000", "a:b"]'),
    neg: ok('EXPOSE 8000\nCMD ["gunicorn", "-b", ":8000", "a:b"]'),
  },
  {
    rule: 'devserver/reload',
    pos: ok('EXPOSE 8080\nCMD ["dotnet", "watch", "run"]'),
    neg: ok('EXPOSE 8080\nCMD ["dotnet", "App.dll"]'),
  },
  {
    rule: 'devserver/build-at-start',
    pos: ok('EXPOSE 8080\nCMD ["./mvnw", "spring-boot:run"]'),
    neg: ok('EXPOSE 8080\nCMD ["java", "-jar", "app.jar"]'),
  },
  {
    rule: 'devserver/build-at-start',
    pos: ok('EXPOSE 3000\nCMD npm run build && npm start'),
    neg: ok('EXPOSE 3000\nCMD ["node", "dist/main.js"]'),
  },
  {
    rule: 'devserver/debug-env',
    pos: ok('ENV NODE_ENV=development\nEXPOSE 3000\nCMD ["node", "s.js"]'),
    neg: ok('ENV NODE_ENV=production\nEXPOSE 3000\nCMD ["node", "s.js"]'),
  },
  {
    rule: 'logs/file',
    pos: ok('EXPOSE 8000\nCMD ["gunicorn", "-b", ":8000", "--access-logfile", "/var/log/access.log", "a:b"]'),
    neg: ok('EXPOSE 8000\nCMD ["gunicorn", "-b", ":8000", "--access-logfile", "-", "a:b"]'),
  },
  {
    rule: 'logs/file',
    pos: ok('ENV LOG_FILE=/var/log/app.log\nEXPOSE 3000\nCMD ["node", "s.js"]'),
    neg: ok('ENV LOG_FILE=/dev/stdout\nEXPOSE 3000\nCMD ["node", "s.js"]'),
  },
  {
    rule: 'logs/discarded',
    pos: ok('EXPOSE 3000\nCMD exec node s.js >/dev/null'),
    neg: ok('EXPOSE 3000\nCMD exec node s.js 2>&1'),
  },
  {
    rule: 'base/eol',
    pos: 'FROM node:18-alpine\nUSER node\nEXPOSE 3000\nCMD ["node", "s.js"]',
    neg: 'FROM node:24-alpine\nUSER node\nEXPOSE 3000\nCMD ["node", "s.js"]',
  },
  {
    rule: 'base/eol',
    pos: 'FROM python:3.12-slim-bullseye\nUSER a\nEXPOSE 80\nCMD ["./app"]',
    neg: 'FROM python:3.12-slim-bookworm\nUSER a\nEXPOSE 80\nCMD ["./app"]',
  },
  {
    rule: 'base/deprecated',
    pos: 'FROM openjdk:21\nUSER a\nEXPOSE 8080\nCMD ["java", "-jar", "a.jar"]',
    neg: 'FROM eclipse-temurin:21\nUSER a\nEXPOSE 8080\nCMD ["java", "-jar", "a.jar"]',
  },
  {
    rule: 'base/latest',
    pos: 'FROM node:latest\nUSER node\nEXPOSE 3000\nCMD ["node", "s.js"]',
    neg: 'FROM node:22@sha256:0000000000000000000000000000000000000000000000000000000000000000\nUSER node\nEXPOSE 3000\nCMD ["node", "s.js"]',
  },
  {
    rule: 'base/unpinned',
    pos: 'FROM python:3-slim\nUSER a\nEXPOSE 80\nCMD ["./app"]',
    neg: 'FROM debian:bookworm-slim\nUSER a\nEXPOSE 80\nCMD ["./app"]',
  },
  {
    rule: 'base/platform',
    pos: 'FROM mcr.microsoft.com/dotnet/aspnet:10.0-nanoserver-ltsc2022\nEXPOSE 8080\nCMD ["dotnet", "A.dll"]',
    neg: 'FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled\nEXPOSE 8080\nCMD ["dotnet", "A.dll"]',
  },
  {
    rule: 'base/platform',
    pos: ok('EXPOSE 80\nCMD ["./app"]'),
    ctx: {image: {exposedPorts: [80], platforms: ['linux/arm64', 'linux/arm/v7']}},
    neg: ok('EXPOSE 80\nCMD ["./app"]'),
    negCtx: {image: {exposedPorts: [80], platforms: ['linux/arm64', 'linux/amd64']}},
  },
  {
    rule: 'hygiene/package-cache',
    pos: ok('RUN apk add curl\nEXPOSE 80\nCMD ["./app"]'),
    neg: ok('RUN apk add --no-cache curl\nEXPOSE 80\nCMD ["./app"]'),
  },
  {
    rule: 'hygiene/package-cache',
    pos: ok('RUN pip install -r r.txt\nEXPOSE 80\nCMD ["./app"]'),
    neg: 'FROM python:3.13 AS b\nRUN pip install -r r.txt\nFROM python:3.13-slim\nUSER a\nEXPOSE 80\nCMD ["./app"]',
  },
  {
    rule: 'hygiene/add',
    pos: ok('ADD app.py /srv/\nEXPOSE 80\nCMD ["./app"]'),
    neg: ok('ADD rootfs.tar.gz /\nADD https://example.com/x.bin /x\nEXPOSE 80\nCMD ["./app"]'),
  },
  {
    rule: 'hygiene/root',
    pos: 'FROM python:3.13-slim\nUSER app\nUSER root\nEXPOSE 80\nCMD ["./app"]',
    neg: 'FROM nginxinc/nginx-unprivileged:1.29\nEXPOSE 8080\n',
  },
  {
    rule: 'hygiene/secret-env',
    pos: ok('ENV DATABASE_PASSWORD=hunter22\nEXPOSE 80\nCMD ["./app"]'),
    neg: ok('ENV DATABASE_PASSWORD_FILE=/run/secrets/db\nENV PWD=/srv\nEXPOSE 80\nCMD ["./app"]'),
  },
  {
    rule: 'hygiene/secret-env',
    pos: ok('ARG GITHUB_TOKEN\nENV GITHUB_TOKEN=$GITHUB_TOKEN\nEXPOSE 80\nCMD ["./app"]'),
    neg: 'FROM node:22 AS b\nARG X\nENV NPM_TOKEN=$X\nFROM python:3.13-slim\nUSER a\nEXPOSE 80\nCMD ["./app"]',
  },
  {
    rule: 'hygiene/secret-arg',
    pos: ok('ARG NPM_TOKEN\nEXPOSE 80\nCMD ["./app"]'),
    neg: 'FROM node:22 AS b\nARG NPM_TOKEN\nFROM python:3.13-slim\nUSER a\nEXPOSE 80\nCMD ["./app"]',
  },
  {
    rule: 'hygiene/no-dockerignore',
    pos: ok('COPY . .\nEXPOSE 80\nCMD ["./app"]'),
    ctx: {hasDockerignore: false},
    neg: ok('COPY app.py .\nEXPOSE 80\nCMD ["./app"]'),
    negCtx: {hasDockerignore: false},
  },
  {
    rule: 'foreground/malformed-exec-form',
    pos: ok('EXPOSE 3000\nCMD ["node" "server.js"]'),
    neg: ok('EXPOSE 3000\nCMD ["node", "server.js"]'),
  },
  {rule: 'dockerfile/no-from', pos: '# empty\nRUN echo hi\n', neg: ok('EXPOSE 80\nCMD ["./app"]')},
]

const rulesOf = (text: string, ctx: AnalyzeContext = {}) =>
  analyzeDockerfile(text, {today: TODAY, ...ctx}).map((f) => f.rule)

describe('doctor rules: a positive and a negative case for each', () => {
  for (const [i, p] of PAIRS.entries()) {
    it(`${p.rule} #${i}`, () => {
      assert.ok(
        rulesOf(p.pos, p.ctx).includes(p.rule),
        `expected ${p.rule} in ${JSON.stringify(rulesOf(p.pos, p.ctx))}`,
      )
      assert.ok(
        !rulesOf(p.neg, p.negCtx).includes(p.rule),
        `did not expect ${p.rule} in ${JSON.stringify(rulesOf(p.neg, p.negCtx))}`,
      )
    })
  }

  it('covers every rule in RULES', () => {
    const covered = new Set(PAIRS.map((p) => p.rule))
    assert.deepEqual(
      RULES.map((r) => r.id).filter((id) => !covered.has(id)),
      [],
    )
  })

  it('RULES ids are unique, namespaced and summarised', () => {
    const ids = RULES.map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length)
    for (const r of RULES) {
      assert.match(r.id, /^[a-z-]+\/[a-z-]+$/)
      assert.ok(['error', 'warning', 'info'].includes(r.severity))
      assert.ok(r.summary.length > 10)
    }
  })
})
