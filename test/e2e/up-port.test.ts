// An explicit port wins over the image's EXPOSE in `up` (Azure): a warning naming both, never an error; the app is
// deployed with that port as WEBSITES_PORT. Built CLI → HTTPS ARM emulator + a real local registry.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()

describe('up --port against the image EXPOSE', () => {
  test('--port 9090 on an image that EXPOSEs 8080: deployed on 9090 with a warning naming both', async () => {
    const app = world.name('portwins')
    const r = await world.cli([...upArgs(app, world.image2, '--port', '9090'), '--json'])
    assertExit(r, 0)
    assert.match(r.stderr, /warning: --port 9090 wins over the image's EXPOSE 8080: WEBSITES_PORT is 9090/)
    assert.doesNotMatch(r.stderr, /expose-mismatch|DOCTOR_FINDINGS/)
    assert.equal(jsonOf<{port: number}>(r).port, 9090)
    assert.equal(mustSite(world.em, `rg-${app}`, app).appSettings['WEBSITES_PORT'], '9090')
  })

  test('a --port the image EXPOSEs (one of several) is taken without a warning', async () => {
    const app = world.name('portlisted')
    const r = await world.cli([...upArgs(app, world.image, '--port', '80'), '--dry-run', '--json'])
    assertExit(r, 0)
    assert.doesNotMatch(r.stderr, /wins over/)
    assert.equal(jsonOf<{port: number}>(r).port, 80)
  })
})
