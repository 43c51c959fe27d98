// The quick start's examples/hello through the BUILT CLI and the real Docker engine: doctor passes, `up --local`
// builds and serves it, `down --local` removes it. Only the container and image made here (unique per run) are
// touched, and both are removed afterwards whatever happens.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {copyFileSync, cpSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {BUSYBOX, requireDocker} from '../helpers/docker.js'
import {describeRun, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'

const ARM = {url: 'https://127.0.0.1:9/'}
const APP = `hello-example-${process.pid}`
const CONTAINER = `azdeploy-local-${APP}`
const IMAGE = `azdeploy-local/${APP}:latest`

function get(url: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    request(url, {agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
      .on('error', reject)
      .end()
  })
}

describe('examples/hello (real dockerd)', () => {
  let dir = ''
  before(() => {
    requireDocker()
    dir = tempDir('hello-example')
    cpSync(join(repoRoot(), 'examples', 'hello'), dir, {recursive: true})
    copyFileSync(BUSYBOX, join(dir, 'busybox'))
  })
  after(() => {
    spawnSync('docker', ['rm', '-f', CONTAINER], {encoding: 'utf8'})
    spawnSync('docker', ['rmi', '-f', IMAGE], {encoding: 'utf8'})
    rmSync(dir, {recursive: true, force: true})
  })

  it('passes doctor, serves with up --local --detach, and down --local removes it', async () => {
    const doctor = await runCli(['doctor', join(repoRoot(), 'examples', 'hello'), '--json'], {arm: ARM})
    assert.equal(doctor.code, 0, describeRun(doctor))
    assert.deepEqual(jsonOf<{findings: unknown[]}>(doctor).findings, [])

    const up = await runCli(['up', '--local', '--detach', '--json', '--app', APP], {
      arm: ARM,
      cwd: dir,
      timeoutMs: 120_000,
    })
    assert.equal(up.code, 0, describeRun(up))
    const out = jsonOf<{url: string; container: string; port: number; image: string}>(up)
    assert.equal(out.container, CONTAINER)
    assert.equal(out.port, 8080)
    const res = await get(out.url)
    assert.equal(res.status, 200)
    assert.match(res.body, /hello from azdeploy/)

    const down = await runCli(['down', '--local', '--app', APP, '--json'], {arm: ARM})
    assert.equal(down.code, 0, describeRun(down))
    assert.deepEqual(jsonOf(down), {removed: [CONTAINER]})
    const left = spawnSync('docker', ['ps', '-a', '--filter', `name=^${CONTAINER}$`, '--format', '{{.Names}}'], {
      encoding: 'utf8',
    })
    assert.equal(left.stdout.trim(), '')
  })
})
