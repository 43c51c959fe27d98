import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  analyzeDockerfile,
  analyzeImageOnly,
  type BaseRef,
  formatFindings,
  internals,
  RULES,
  summarize,
} from '../../../src/doctor/index.js'

const {endOfLife, parseImageRef} = internals

const ref = (r: string): BaseRef => ({ref: r, ...parseImageRef(r), stage: '0', final: true, unresolved: false})
const ended = (r: string, today: string) =>
  endOfLife(ref(r))
    .filter((e) => e.date <= today)
    .map((e) => e.what)

describe('end-of-life data', () => {
  it('is compared with the date given', () => {
    assert.deepEqual(ended('node:20-alpine', '2026-04-29'), [])
    assert.deepEqual(ended('node:20-alpine', '2026-04-30'), ['Node.js 20'])
    assert.deepEqual(ended('mcr.microsoft.com/dotnet/aspnet:8.0', '2026-11-28'), ['.NET 8.0'])
    assert.deepEqual(ended('node:iron-bullseye', '2026-11-28'), ['Node.js 20', 'Debian bullseye'])
    assert.deepEqual(ended('python:3.11-alpine3.18', '2026-11-28'), ['Alpine 3.18'])
    assert.deepEqual(ended('ubuntu:24.04', '2026-11-28'), [])
    assert.deepEqual(ended('golang:1.25', '2026-11-28'), ['Go 1.25'])
  })
})

describe('image-only analysis', () => {
  const image = {
    exposedPorts: [8000],
    platforms: ['linux/amd64'],
    env: {},
    cmd: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'],
  }

  it('finds nothing wrong with a good image (apart from root)', () => {
    assert.deepEqual(
      analyzeImageOnly({...image, user: 'app'}, {configuredPort: 8000}).map((f) => f.rule),
      [],
    )
  })

  it('checks the start command, ports, platforms, user and environment', () => {
    const findings = analyzeImageOnly(
      {
        exposedPorts: [],
        platforms: ['linux/arm64'],
        env: {API_TOKEN: 'abc123', FLASK_DEBUG: '1'},
        entrypoint: ['/bin/sh', '-c'],
        cmd: ['flask run'],
      },
      {},
    )
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity, f.line]),
      [
        ['base/platform', 'error', undefined],
        ['listen/loopback', 'error', undefined],
        ['port/unreachable', 'error', undefined],
        ['devserver/debug-env', 'warning', undefined],
        ['devserver/dev-server', 'warning', undefined],
        ['hygiene/secret-env', 'warning', undefined],
        ['hygiene/root', 'info', undefined],
      ],
    )
  })

  it('uses the image config alongside a Dockerfile', () => {
    const text = 'FROM python:3.13-slim\nUSER app\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'
    // The image inherits EXPOSE 8000 from somewhere the Dockerfile does not show: no EXPOSE findings.
    const withImage = analyzeDockerfile(text, {today: '2026-11-28', image: {...image, user: 'app'}})
    assert.deepEqual(
      withImage.map((f) => f.rule),
      [],
    )
    assert.deepEqual(
      analyzeDockerfile(text, {today: '2026-11-28'}).map((f) => f.rule),
      ['port/unreachable'],
    )
  })
})

describe('format', () => {
  it('groups by severity with line, rule, message and fix', () => {
    const findings = analyzeDockerfile('FROM node:16\nCMD ["nodemon", "s.js"]\n', {
      today: '2026-11-28',
      configuredPort: 3000,
    })
    const text = formatFindings(findings)
    assert.match(text, /^Warnings \(3\)\n {2}Dockerfile {2}port\/no-expose\n/)
    assert.match(text, /\n {2}Dockerfile:2 {2}devserver\/reload\n {4}nodemon watches files/)
    assert.match(text, /\nNotes \(1\)\n {2}Dockerfile {2}hygiene\/root\n/)
    assert.match(text, /\n3 warnings, 1 note\.\n$/)
    assert.equal(formatFindings([], {file: 'app/Dockerfile'}), 'app/Dockerfile: no findings.\n')
    assert.equal(summarize([]), 'no findings')
  })

  it('sorts errors first, then by line', () => {
    const findings = analyzeDockerfile('FROM python:3.8\nEXPOSE 80\nCMD ["uvicorn", "m:app"]\n', {today: '2026-11-28'})
    assert.deepEqual(
      findings.map((f) => [f.severity, f.line ?? 0]),
      [
        ['error', 3],
        ['error', 3],
        ['warning', 1],
        ['info', 0],
      ],
    )
    assert.ok(RULES.length >= 30)
  })
})
