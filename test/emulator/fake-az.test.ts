// The fake Azure CLI the end-to-end tests put on PATH: its answers, its log, and a child process that signs in
// through it to the HTTPS ARM emulator (trusting the test CA through NODE_EXTRA_CA_CERTS).
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {promisify} from 'node:util'
import {fakeAzDir} from '../helpers/cli.js'
import {repoRoot} from '../helpers/tls.js'
import {startArmEmulator} from './index.js'

const SUB = '00000000-0000-0000-0000-000000000001'

describe('fake az', () => {
  const run = promisify(execFile)
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    PATH: `${fakeAzDir()}:${process.env.PATH}`,
    ...extra,
  })

  test('get-access-token and account show', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'fake-az-')), 'az.log')
    const {stdout} = await run(
      'az',
      ['account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com'],
      {
        env: env({FAKE_AZ_LOG: log, FAKE_AZ_TOKEN: 'tok-x'}),
        cwd: '/bin',
      },
    )
    const tok = JSON.parse(stdout)
    assert.equal(tok.accessToken, 'tok-x')
    assert.equal(tok.tokenType, 'Bearer')
    assert.match(tok.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    assert.ok(tok.expires_on > Date.now() / 1000 + 3000)
    assert.equal(tok.subscription, '00000000-0000-0000-0000-000000000001')
    const logged = readFileSync(log, 'utf8')
    assert.match(logged, /get-access-token/)
    assert.doesNotMatch(logged, /tok-x/)
    const show = JSON.parse(
      (await run('az', ['account', 'show', '--output', 'json'], {env: env({FAKE_AZ_SUBSCRIPTION: 'sub-2'})})).stdout,
    )
    assert.equal(show.id, 'sub-2')
    assert.equal(show.tenantId, '00000000-0000-0000-0000-0000000000aa')
    assert.equal(show.user.name, 'dev@example.com')
  })

  test('a child process trusts the emulator via NODE_EXTRA_CA_CERTS and authenticates through the fake az', async () => {
    const em = await startArmEmulator()
    try {
      const script = [
        "import {AzureCliCredential} from '@azure/identity'",
        "import {ResourceManagementClient} from '@azure/arm-resources'",
        `const c = new ResourceManagementClient(new AzureCliCredential(), '${SUB}', {endpoint: process.env.ARM_URL})`,
        "const g = await c.resourceGroups.createOrUpdate('child-rg', {location: 'westeurope'})",
        'console.log(g.id)',
      ].join('\n')
      const {stdout} = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repoRoot(),
        env: env({NODE_EXTRA_CA_CERTS: em.caCertPath, ARM_URL: em.url}),
      })
      assert.equal(stdout.trim(), `/subscriptions/${SUB}/resourceGroups/child-rg`)
    } finally {
      await em.close()
    }
  })

  test('logged out: exit 1 and the az login hint', async () => {
    const err = await run('az', ['account', 'get-access-token', '--output', 'json'], {
      env: env({FAKE_AZ_LOGGED_OUT: '1'}),
    }).then(
      () => undefined,
      (e: {code: number; stderr: string}) => e,
    )
    assert.equal(err?.code, 1)
    assert.match(err?.stderr ?? '', /Please run 'az login' to setup account\./)
  })
})
