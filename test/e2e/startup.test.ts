// `--help` stays instant: no @azure/* module is loaded for any command's help (the SDKs load lazily inside
// adapters). A real `up` run is probed too, so the probe itself is shown to see @azure modules.
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {after, describe, test} from 'node:test'
import {loadedModules} from '../helpers/module-probe.js'
import {CLI_ENTRY, cliEnv, e2eWorld, tempDir} from '../helpers/run-cli.js'
import {upArgs} from './e2e-common.js'

const world = e2eWorld()
const dir = tempDir('module-probe')
after(() => rmSync(dir, {recursive: true, force: true}))
const azure = (mods: string[]) => mods.filter((m) => /[\\/]node_modules[\\/]@azure[\\/]/.test(m))

describe('start-up', () => {
  for (const args of [
    ['--help'],
    ['up', '--help'],
    ['status', '--help'],
    ['down', '--help'],
    ['push', '--help'],
    ['logs', '--help'],
    ['doctor', '--help'],
    ['login', '--help'],
  ]) {
    test(`azdeploy ${args.join(' ')} loads no @azure module`, async () => {
      const r = await loadedModules(
        dir,
        CLI_ENTRY,
        args,
        cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, dir),
      )
      assert.equal(r.code, 0)
      assert.ok(r.modules.length > 10, 'the probe recorded the loads')
      assert.deepEqual(azure(r.modules), [])
    })
  }

  test('the probe does see the SDKs when a deploy runs', async () => {
    const app = world.name('probe')
    const args = [...upArgs(app, world.image), '--port', '8080', '--no-wait']
    const r = await loadedModules(
      dir,
      CLI_ENTRY,
      args,
      cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, dir),
    )
    assert.equal(r.code, 0)
    assert.ok(azure(r.modules).some((m) => m.includes('arm-appservice')))
  })
})
