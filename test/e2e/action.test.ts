// The GitHub Action end to end: the committed bundle (action/index.cjs) run the way the runner runs it (INPUT_*
// variables, GITHUB_ACTIONS=true, GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files, cwd = a checkout) against the ARM
// emulator, a private local registry and the fake az; a guard refuses and records any non-loopback connection.
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {parseOutputRecords} from '../../src/output/github.js'
import {describeAction, runAction} from '../helpers/run-action.js'
import {describeRun, e2eWorld, FAKE_AZ_TOKEN, PRIVATE_AUTH, tempDir} from '../helpers/run-cli.js'
import {mustSite} from './e2e-common.js'

const world = e2eWorld({privateRegistry: true})
const checkout = tempDir('checkout')
after(() => rmSync(checkout, {recursive: true, force: true}))

const DB_SECRET = 'db-secret-5e1f0c9a'
const arm = () => ({url: world.em.url, caCertPath: world.em.caCertPath})

/** Index of the first line of `log` that contains `value` and is not its own add-mask command. */
function firstUse(log: string, value: string): number {
  return log.split('\n').findIndex((l) => l.includes(value) && !l.startsWith('::add-mask::'))
}

describe('the azdeploy Action', () => {
  const app = world.name('action')
  const rg = `rg-${app}`
  const image = () => `${world.privateRegistry.host}/${world.privateImages.repo}:single`
  const inputs = () => ({
    app,
    'resource-group': rg,
    location: 'westeurope',
    image: image(),
    port: '8080',
    env: `GREETING=hello\n\n# from the step's environment:\nDB_PASSWORD\n`,
    timeout: '60',
    'no-rollback': 'false',
  })
  const stepEnv = {
    DB_PASSWORD: DB_SECRET,
    AZDEPLOY_REGISTRY_USERNAME: PRIVATE_AUTH.username,
    AZDEPLOY_REGISTRY_PASSWORD: PRIVATE_AUTH.password,
  }

  test('deploys, masks secrets before any other line, groups stages, writes outputs and the job summary', async () => {
    const r = await runAction({arm: arm(), inputs: inputs(), cwd: checkout, env: stepEnv})
    assert.equal(r.code, 0, describeAction(r))
    assert.deepEqual(r.offLoopback, [], 'only loopback connections')

    const s = mustSite(world.em, rg, app)
    assert.equal(s.appSettings.GREETING, 'hello')
    assert.equal(s.appSettings.DB_PASSWORD, DB_SECRET, 'a NAME-only env line takes the step environment value')
    assert.equal(
      s.runtime.servingImage,
      `DOCKER|${world.privateRegistry.host}/${world.privateImages.repo}@${world.privateImages.single.digest}`,
    )

    // Masking first: each secret is announced before any line that could carry it; stdout never has it.
    for (const secret of [DB_SECRET, PRIVATE_AUTH.password]) {
      const lines = r.stderr.split('\n')
      const mask = lines.indexOf(`::add-mask::${secret}`)
      assert.ok(mask >= 0, `no ::add-mask:: for ${secret}\n${describeAction(r)}`)
      const used = firstUse(r.stderr, secret)
      assert.ok(used === -1 || used > mask, `secret printed before its mask`)
      const firstOther = lines.findIndex((l) => l !== '' && !l.startsWith('::add-mask::'))
      assert.ok(mask < firstOther, 'masks come before every other line')
      assert.ok(!r.stdout.includes(secret))
    }
    const tokenMask = r.stderr.split('\n').indexOf(`::add-mask::${FAKE_AZ_TOKEN}`)
    assert.ok(tokenMask >= 0, 'the ARM access token azdeploy obtained is masked')
    assert.ok(tokenMask < r.stderr.split('\n').findIndex((l) => l.startsWith('::group::')), 'before the first stage')
    assert.match(r.stderr, /^::group::Resolve image and read Azure state$/m)
    assert.match(r.stderr, /^::group::Wait until the new container serves$/m)
    assert.equal(
      (r.stderr.match(/^::group::/gm) ?? []).length,
      (r.stderr.match(/^::endgroup::$/gm) ?? []).length,
      'every group is closed',
    )

    const out = parseOutputRecords(r.outputFile)
    assert.deepEqual(Object.keys(out).sort(), ['digest', 'image', 'previous-release', 'release', 'url'])
    assert.equal(out.url, `https://${s.runtime.host}`)
    assert.equal(out.image, image())
    assert.equal(out.digest, world.privateImages.single.digest)
    assert.equal(out['previous-release'], '', 'first deploy: no previous release')

    const sum = r.summaryFile
    assert.match(sum, new RegExp(`### azdeploy: deployed ${app.replace(/-/g, '\\\\-')}`))
    assert.ok(sum.includes(`](https://${s.runtime.host})`), sum)
    assert.ok(sum.includes(`\`${world.privateImages.single.digest}\``), 'digest as code')
    assert.match(sum, /\| Health \| ✅ serving/)
    assert.match(
      sum,
      /\*\*Health evidence\*\*\n\n(- .*\n)*- .*initialized successfully and is ready to serve requests\\\.\n/,
    )
    assert.match(sum, /- https:\/\/127\\\.0\\\.0\\\.1:\d+\/ → 200\n/, 'the answer that proved it')
    assert.match(sum, /\| Resolve image and read Azure state \| \d+\.\d s \|/)
    assert.match(sum, /\| Apply changes \| \d+\.\d s \|/)
    assert.match(sum, /- create `web app/)
    assert.doesNotMatch(sum, /azdeploy rollback/, 'no rollback command without a previous release')
    assert.ok(!sum.includes(DB_SECRET) && !r.outputFile.includes(DB_SECRET))
  })

  test('an identical second run changes nothing and still writes every output key', async () => {
    const r = await runAction({arm: arm(), inputs: inputs(), cwd: checkout, env: stepEnv})
    assert.equal(r.code, 0, describeAction(r))
    const out = parseOutputRecords(r.outputFile)
    assert.equal(out.digest, world.privateImages.single.digest)
    assert.ok('previous-release' in out)
    assert.match(r.summaryFile, /unchanged/)
    assert.match(r.summaryFile, /No changes: Azure already matched\./)
  })

  test('reads azdeploy.yml of the checkout when inputs are left out', async () => {
    const dir = join(checkout, 'from-file')
    mkdirSync(dir, {recursive: true})
    const other = world.name('file')
    writeFileSync(
      join(dir, 'azdeploy.yml'),
      `app: ${other}\nresourceGroup: rg-${other}\nlocation: westeurope\nimage: ${world.image}\nport: 8080\n`,
    )
    const r = await runAction({arm: arm(), inputs: {}, cwd: dir})
    assert.equal(r.code, 0, describeAction(r))
    assert.equal(parseOutputRecords(r.outputFile).image, world.image)
    mustSite(world.em, `rg-${other}`, other)
  })

  test('a bad input is one ::error:: annotation, escaped (% CR LF), exit 2, no outputs, a failure summary', async () => {
    world.em.resetLog()
    const r = await runAction({
      arm: arm(),
      inputs: {...inputs(), app: 'bad%name\r\n::warning::injected'},
      cwd: checkout,
    })
    assert.equal(r.code, 2, describeAction(r))
    const annotation = r.stderr.split('\n').find((l) => l.startsWith('::error '))
    assert.ok(annotation, describeAction(r))
    assert.ok(annotation.startsWith('::error title=INVALID_APP_NAME::'), annotation)
    // The echoed value shows its CR LF (core/display.ts), and `%` is escaped for the workflow command.
    assert.ok(annotation.includes("App name 'bad%25name␍␊::warning::injected' is not valid"), annotation)
    assert.ok(annotation.includes('%0ATry: Pass --app'), 'the hint rides in the same annotation')
    assert.ok(!r.log.split(/[\r\n]/).some((l) => /^\s*::warning::/.test(l)), 'no injected command line')
    assert.equal(r.outputFile, '')
    assert.match(r.summaryFile, /### azdeploy: failed/)
    assert.match(r.summaryFile, /\*\*INVALID\\_APP\\_NAME\*\*/)
    assert.equal(world.em.requests.length, 0, 'nothing reached Azure')
  })

  test('the slot input deploys through the slot and swaps it into production', async () => {
    const name = world.name('slot')
    const base = {app: name, 'resource-group': `rg-${name}`, location: 'westeurope', port: '8080'}
    const env = {AZDEPLOY_SKU: 'S1'}
    const first = await runAction({arm: arm(), inputs: {...base, image: world.image}, cwd: checkout, env})
    assert.equal(first.code, 0, describeAction(first))
    const r = await runAction({arm: arm(), inputs: {...base, image: world.image2, slot: 'staging'}, cwd: checkout, env})
    assert.equal(r.code, 0, describeAction(r))
    assert.ok(world.em.site(name, 'staging'), 'the slot exists')
    assert.ok(world.em.site(name)?.runtime.servingImage?.endsWith(world.images.v2.digest), 'swapped into production')
    const out = parseOutputRecords(r.outputFile)
    assert.equal(out.digest, world.images.v2.digest)
    assert.match(r.summaryFile, /### azdeploy: deployed slot\\-\d+\\-\w+\/staging/)
  })

  test('a malformed timeout or no-rollback input names the input', async () => {
    const t = await runAction({arm: arm(), inputs: {...inputs(), timeout: 'soon'}, cwd: checkout})
    assert.equal(t.code, 2, describeAction(t))
    assert.match(
      t.stderr,
      /^::error title=INVALID_INPUT::Input 'timeout' must be a whole number of seconds, got 'soon'/m,
    )
    const n = await runAction({arm: arm(), inputs: {...inputs(), 'no-rollback': 'maybe'}, cwd: checkout})
    assert.equal(n.code, 2, describeAction(n))
    assert.match(n.stderr, /Input 'no-rollback' must be true or false, got 'maybe'/)
  })
})

describe('`azdeploy up` in a plain run step', () => {
  test('writes GITHUB_OUTPUT (previous-release key included) and the summary when the runner set them', async () => {
    const dir = tempDir('run-step')
    try {
      const output = join(dir, 'out')
      const summary = join(dir, 'summary')
      writeFileSync(output, 'earlier=kept\n')
      const app = world.name('runstep')
      const r = await world.cli(
        ['up', '--app', app, '-g', `rg-${app}`, '-l', 'westeurope', '--image', world.image, '--port', '8080', '--json'],
        {env: {GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary}},
      )
      assert.equal(r.code, 0, describeRun(r))
      const out = parseOutputRecords(readFileSync(output, 'utf8'))
      assert.equal(out.earlier, 'kept', 'appended, not overwritten')
      assert.equal(out.image, world.image)
      assert.equal(out.digest, world.images.single.digest)
      assert.match(out.url ?? '', /^https:\/\//)
      assert.equal(out['previous-release'], '')
      assert.match(readFileSync(summary, 'utf8'), /### azdeploy: deployed/)
      JSON.parse(r.stdout) // --json still prints exactly one document
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
