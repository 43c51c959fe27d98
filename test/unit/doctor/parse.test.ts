import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {internals} from '../../../src/doctor/index.js'

const {isAllInterfaces, isLoopback, parseHostPort, parseUrls, parseDockerfile, parseImageRef, program} = internals
const {expandVars, parseShell} = internals

describe('shell reader', () => {
  it('splits commands on operators and marks background ones', () => {
    const cmds = parseShell('a 1 && b "x y" ; c & d || e | f')
    assert.deepEqual(
      cmds.map((c) => [c.words, c.end]),
      [
        [['a', '1'], '&&'],
        [['b', 'x y'], ';'],
        [['c'], '&'],
        [['d'], '||'],
        [['e'], '|'],
        [['f'], ''],
      ],
    )
  })

  it('reads redirections, quotes, continuations and comments', () => {
    const [c] = parseShell("node 'a b' \\\n  s.js >>/var/log/x.log 2>&1 # trailing\n")
    assert.deepEqual(c?.words, ['node', 'a b', 's.js'])
    assert.deepEqual(c?.redirects, [
      {fd: '1', op: '>>', target: '/var/log/x.log'},
      {fd: '2', op: '>&', target: '&1'},
    ])
    const [d] = parseShell('x &>/dev/null')
    assert.deepEqual(d?.redirects, [{fd: '&', op: '&>', target: '/dev/null'}])
  })

  it('sends a whole ( … ) & group to the background', () => {
    const cmds = parseShell('(a; b) & c')
    assert.deepEqual(
      cmds.map((c) => [c.words[0], c.end]),
      [
        ['a', '&'],
        ['b', '&'],
        ['c', ''],
      ],
    )
  })

  it('expands variables with defaults and keeps unknown ones', () => {
    const env = (n: string) => ({A: '1', E: ''})[n]
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
    assert.equal(expandVars('$A-${B}-${B:-9}-${E:-d}-${E-d}-${A:+set}', env), '1-${B}-9-d--set')
    assert.deepEqual(parseShell(`x "$A" '$A'`, env)[0]?.words, ['x', '1', '$A'])
  })
})

describe('addresses', () => {
  it('parses host:port forms', () => {
    assert.deepEqual(parseHostPort(':8000', 's'), {source: 's', raw: ':8000', host: '', port: 8000})
    assert.equal(parseHostPort('[::1]:80', 's').host, '[::1]')
    assert.equal(parseHostPort('tcp://0.0.0.0:3000', 's').port, 3000)
    assert.equal(parseHostPort('unix:/tmp/s.sock', 's').notTcp, true)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
    assert.equal(parseHostPort('0.0.0.0:${PORT}', 's').portVar, 'PORT')
    assert.match(parseHostPort('0.0.0.0:http', 's').malformed ?? '', /not a number/)
    assert.match(parseHostPort('0.0.0.0:99999', 's').malformed ?? '', /outside/)
    assert.equal(parseHostPort('0.0.0.0', 's', {port: 8000}).port, 8000)
  })

  it('parses ASP.NET Core URLs', () => {
    const [a, b] = parseUrls('http://+:80;http://localhost:5000', 'ASPNETCORE_URLS')
    assert.equal(a?.port, 80)
    assert.equal(b?.host, 'localhost')
    assert.match(parseUrls('+:80', 'x')[0]?.malformed ?? '', /not a URL/)
  })

  it('tells loopback from all interfaces', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopback(h), h)
    for (const h of ['0.0.0.0', '', '*', '+', '::', '[::]', '0']) assert.ok(isAllInterfaces(h) && !isLoopback(h), h)
  })
})

describe('Dockerfile model', () => {
  it('splits image references', () => {
    assert.deepEqual(parseImageRef('mcr.microsoft.com/dotnet/aspnet:8.0'), {
      registry: 'mcr.microsoft.com',
      repo: 'dotnet/aspnet',
      tag: '8.0',
    })
    assert.deepEqual(parseImageRef('localhost:5000/app@sha256:abc'), {
      registry: 'localhost:5000',
      repo: 'app',
      digest: 'sha256:abc',
    })
    assert.deepEqual(parseImageRef('bitnami/nginx'), {repo: 'bitnami/nginx'})
  })

  it('follows stages, global ARGs in FROM and ENV inherited through FROM <stage>', () => {
    const {model} = parseDockerfile(
      [
        'ARG V=3.12',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
        'FROM python:${V}-slim AS base',
        'ENV PORT=8000 \\',
        '    HOST=0.0.0.0',
        'FROM golang:1.26 AS tools',
        'FROM base',
        'ARG V',
        'ENV TAG=py$V',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile/shell syntax, not a template
        'EXPOSE ${PORT}',
        'CMD gunicorn -b $HOST:$PORT app:app',
      ].join('\n'),
    )
    assert.deepEqual(
      model.bases.map((b) => [b.ref, b.final, b.line]),
      [
        ['python:3.12-slim', true, 2],
        ['golang:1.26', false, 5],
      ],
    )
    assert.equal(model.env.get('TAG')?.value, 'py3.12')
    assert.deepEqual(model.env.get('HOST'), {value: '0.0.0.0', line: 3})
    assert.deepEqual(
      model.exposes.map((e) => [e.port, e.line]),
      [[8000, 9]],
    )
    assert.deepEqual(model.start?.procs[0]?.argv, ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'])
    assert.equal(model.start?.line, 10)
  })

  it('combines ENTRYPOINT and CMD as Docker does', () => {
    const exec = parseDockerfile(
      'FROM x:1\nENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]\nCMD ["uvicorn", "m:app"]',
    )
    assert.deepEqual(exec.model.start?.argv, ['tini', '--', 'docker-entrypoint.sh', 'uvicorn', 'm:app'])
    assert.deepEqual(exec.model.start?.procs[0]?.argv, ['uvicorn', 'm:app'])
    const shellEntry = parseDockerfile('FROM x:1\nENTRYPOINT exec node s.js\nCMD ["ignored"]')
    assert.deepEqual(shellEntry.model.start?.argv, ['/bin/sh', '-c', 'exec node s.js'])
    // An ENTRYPOINT in a later stage drops the CMD inherited from the earlier one.
    const reset = parseDockerfile('FROM x:1 AS a\nCMD ["serve"]\nFROM a\nENTRYPOINT ["./app"]')
    assert.deepEqual(reset.model.start?.argv, ['./app'])
    const shell = parseDockerfile('FROM x:1\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD node s.js | tee out')
    assert.deepEqual(
      shell.model.start?.procs.map((p) => p.argv[0]),
      ['node', 'tee'],
    )
  })

  it('treats an invalid JSON array as shell form and keeps $VAR literal in exec form', () => {
    const bad = parseDockerfile('FROM x:1\nCMD [gunicorn, app:app]')
    assert.equal(bad.model.start?.procs[0]?.execForm, false)
    const lit = parseDockerfile('FROM x:1\nENV P=1\nCMD ["a", "$P"]')
    assert.deepEqual(lit.model.start?.procs[0]?.argv, ['a', '$P'])
  })

  it('peels wrappers to find the real program', () => {
    const {model} = parseDockerfile(
      'FROM x:1\nCMD ["dumb-init", "--", "gosu", "app", "sh", "-c", "FOO=1 nohup node a.js &"]',
    )
    const p = model.start?.procs[0]
    assert.deepEqual([p?.argv, p?.background, p?.nohup, p?.assignments], [['node', 'a.js'], true, true, {FOO: '1'}])
    assert.deepEqual(program(['python', '-u', '-m', 'gunicorn', 'a:b']), {prog: 'gunicorn', args: ['a:b']})
    assert.deepEqual(program(['poetry', 'run', 'uvicorn', 'm:app']), {prog: 'uvicorn', args: ['m:app']})
    assert.deepEqual(program(['node', 'node_modules/.bin/next', 'start']), {prog: 'next', args: ['start']})
    assert.deepEqual(program(['/usr/local/bin/python3.12', 'manage.py', 'runserver']).prog, 'manage.py')
  })

  it('reports a Dockerfile without FROM', () => {
    assert.equal(parseDockerfile('RUN x').hasFrom, false)
  })
})
