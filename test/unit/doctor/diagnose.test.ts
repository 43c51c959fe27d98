import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {type DiagnoseFiles, diagnose, imageInfoFrom} from '../../../src/services/diagnose.js'

function fakeFiles(tree: Record<string, string>): DiagnoseFiles {
  return {
    isDirectory: (p) => Object.keys(tree).some((k) => k.startsWith(`${p}/`)),
    exists: (p) => p in tree,
    read: (p) => tree[p] ?? '',
  }
}

const GOOD =
  'FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nUSER app\nEXPOSE 8000\nCMD ["gunicorn", "-b", ":8000", "a:b"]\n'
const today = '2026-11-28'

describe('diagnose service', () => {
  it('finds the Dockerfile in a directory and the .dockerignore beside it', () => {
    const files = fakeFiles({'/w/api/Dockerfile': GOOD, '/w/api/.dockerignore': '.git\n'})
    const out = diagnose({path: 'api', cwd: '/w', explicitPath: true, today}, files)
    assert.deepEqual(out, {
      dockerfile: 'api/Dockerfile',
      hasDockerignore: true,
      findings: [],
      counts: {error: 0, warning: 0, info: 0},
    })
  })

  it('takes a Dockerfile path, honours <name>.dockerignore, and reports a missing .dockerignore', () => {
    const withOwn = diagnose(
      {path: 'api.Dockerfile', cwd: '/w', explicitPath: true, today},
      fakeFiles({'/w/api.Dockerfile': GOOD, '/w/api.Dockerfile.dockerignore': ''}),
    )
    assert.equal(withOwn.hasDockerignore, true)
    const without = diagnose(
      {path: '.', cwd: '/w', explicitPath: false, today, configuredPort: 8000},
      fakeFiles({'/w/Containerfile': GOOD}),
    )
    assert.deepEqual(
      without.findings.map((f) => [f.rule, f.line]),
      [['hygiene/no-dockerignore', 3]],
    )
    assert.equal(without.configuredPort, 8000)
  })

  it('checks an image alone when there is no Dockerfile, and refuses a missing explicit PATH', () => {
    const info = imageInfoFrom({
      exposedPorts: [8080],
      platforms: ['linux/amd64'],
      config: {user: 'app', env: ['PATH=/usr/bin', 'ASPNETCORE_HTTP_PORTS=8080'], entrypoint: ['dotnet', 'Api.dll']},
    })
    assert.deepEqual(info.env, {PATH: '/usr/bin', ASPNETCORE_HTTP_PORTS: '8080'})
    const out = diagnose(
      {path: '.', cwd: '/w', explicitPath: false, today, image: {ref: 'ghcr.io/a/api:1', info}},
      fakeFiles({}),
    )
    assert.deepEqual(out.findings, [])
    assert.equal(out.image, 'ghcr.io/a/api:1')
    assert.throws(
      () => diagnose({path: 'svc', cwd: '/w', explicitPath: true, today, image: {ref: 'x', info}}, fakeFiles({})),
      (e: Error & {code?: string}) => e.code === 'NO_DOCKERFILE',
    )
  })

  it('counts findings by severity', () => {
    const out = diagnose(
      {path: '.', cwd: '/w', explicitPath: false, today},
      fakeFiles({'/w/Dockerfile': 'FROM node:16\nCMD ["node", "s.js"]\n'}),
    )
    assert.deepEqual(out.counts, {error: 1, warning: 1, info: 1})
  })
})
