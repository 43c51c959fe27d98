// `up --local` and `down --local` when Docker is not there: no `docker` on PATH, or an engine that does not answer
// (DOCKER_HOST at a socket nobody listens on). Each is exit 8 (DOCKER_UNAVAILABLE) with its own message and how to
// fix it, before anything is started. No Docker engine needed; ARM points at a closed port.
import assert from 'node:assert/strict'
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'

const ARM = {url: 'https://127.0.0.1:9/'}
const dir = tempDir('local-docker')
const deadSocket = `unix://${join(dir, 'no-engine.sock')}`
type ErrorDoc = {error: {code: string; message: string; hint: string; exitCode: number}}

function unavailable(r: Awaited<ReturnType<typeof runCli>>) {
  assert.equal(r.code, 8, describeRun(r))
  const e = jsonOf<ErrorDoc>(r).error
  assert.equal(e.code, 'DOCKER_UNAVAILABLE')
  assert.equal(e.exitCode, 8)
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  return e
}

describe('up --local without Docker', () => {
  after(() => rmSync(dir, {recursive: true, force: true}))

  test('no docker on PATH: exit 8, says Docker is not installed and how to install it', async () => {
    const args = ['up', '--local', '--json', '--image', 'demo:1', '--app', 'no-docker']
    const e = unavailable(await runCli(args, {arm: ARM, env: {PATH: join(dir, 'empty-bin')}}))
    assert.match(e.message, /Docker is not installed: 'docker' was not found on PATH/)
    assert.match(e.hint, /Install Docker .* so that `docker` is on PATH$/)
    assert.doesNotMatch(e.hint, /--from/, '--from is no way out for --local')
  })

  test('no docker on PATH, building ./Dockerfile: exit 8 as well', async () => {
    const args = ['up', '--local', '--json', '--app', 'no-docker-build', '--dockerfile', join(dir, 'Dockerfile')]
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n')
    const e = unavailable(await runCli(args, {arm: ARM, cwd: dir, env: {PATH: join(dir, 'empty-bin')}}))
    assert.match(e.message, /'docker' was not found on PATH/)
    assert.doesNotMatch(e.hint, /--from/)
  })

  test('engine not answering (DOCKER_HOST at a dead socket): exit 8, names DOCKER_HOST and how to start it', async () => {
    const args = ['up', '--local', '--json', '--image', 'demo:1', '--app', 'dead-engine']
    const r = await runCli(args, {arm: ARM, env: {DOCKER_HOST: deadSocket}})
    const e = unavailable(r)
    assert.equal(e.message, `The Docker engine does not answer at ${deadSocket}: it is stopped, or not reachable`)
    assert.equal(
      e.hint,
      `DOCKER_HOST is ${deadSocket}: start the engine there, or unset DOCKER_HOST to use the local one`,
    )
    // Human output: the same words and the Try: line.
    const human = await runCli(
      args.filter((a) => a !== '--json'),
      {arm: ARM, env: {DOCKER_HOST: deadSocket}},
    )
    assert.equal(human.code, 8, describeRun(human))
    assert.match(human.stderr, /^Error \(DOCKER_UNAVAILABLE\): The Docker engine does not answer at /)
    assert.match(human.stderr, /Try: DOCKER_HOST is /)
  })

  test('down --local with the engine stopped: exit 8 too', async () => {
    const r = await runCli(['down', '--local', '--json'], {arm: ARM, env: {DOCKER_HOST: deadSocket}})
    assert.match(unavailable(r).hint, /start the engine there/)
  })
})
