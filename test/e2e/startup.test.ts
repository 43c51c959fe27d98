// `--help` stays instant: no @azure/* module is loaded for any command's help (the SDKs load lazily inside
// adapters), and exactly one copy of oclif runs: the bundle dist/vendor/oclif-core.cjs, never a module of
// node_modules/@oclif (help, errors and commands alike). A real `up` run is probed too, so the probe itself is
// shown to see @azure modules.
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
const oclifPackages = (mods: string[]) => mods.filter((m) => /[\\/]node_modules[\\/]@oclif[\\/]/.test(m))
const oclifBundles = (mods: string[]) => [...new Set(mods.filter((m) => m.endsWith('/dist/vendor/oclif-core.cjs')))]

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
    ['help', 'up'],
    ['up', '-h'],
    ['help'],
    ['version'],
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
      assert.deepEqual(oclifPackages(r.modules), [], 'no second copy of oclif')
      assert.equal(oclifBundles(r.modules).length, 1, 'the bundled oclif')
    })
  }

  test('an unknown command is answered by the bundled oclif alone', async () => {
    const env = cliEnv({url: world.em.url, caCertPath: world.em.caCertPath}, dir)
    const r = await loadedModules(dir, CLI_ENTRY, ['nosuch', '--json'], env)
    assert.equal(r.code, 2)
    assert.deepEqual(oclifPackages(r.modules), [])
    assert.equal(oclifBundles(r.modules).length, 1)
  })

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
