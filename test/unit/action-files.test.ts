// action.yml and the workflow `azdeploy init` writes, checked with GitHub's own parser; the committed Action
// bundle checked against a fresh build of its source; the inputs the entry reads equal those action.yml declares.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {builtinModules} from 'node:module'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {parse} from 'yaml'
import {ACTION_INPUTS, readInputs, settingLines} from '../../src/action/inputs.js'
import {workflowText} from '../../src/core/init-files.js'
import {repoRoot} from '../helpers/tls.js'
import {actionErrors, workflowErrors} from '../helpers/workflow-parser.js'

const ROOT = repoRoot()
const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')

describe('action.yml', () => {
  test('has no errors for GitHub’s parser, and the parser does catch a broken one', async () => {
    assert.deepEqual(await actionErrors('action.yml', actionYml), [])
    const broken = actionYml.replace(/^description:[\s\S]*?^author:/m, 'author:').replace('main: action/index.cjs', '')
    const errors = await actionErrors('action.yml', broken)
    assert.ok(
      errors.some((e) => /Required property is missing: description/.test(e)),
      errors.join('\n'),
    )
  })

  test('declares every input the entry reads, each described, none required; the five outputs; node20 + bundle', () => {
    const doc = parse(actionYml) as {
      inputs: Record<string, {description?: string; required?: boolean; default?: string}>
      outputs: Record<string, {description?: string}>
      runs: {using: string; main: string}
    }
    assert.deepEqual(Object.keys(doc.inputs).sort(), [...ACTION_INPUTS].sort())
    for (const [name, i] of Object.entries(doc.inputs)) {
      assert.ok(i.description && i.description.length > 10, `${name} has a description`)
      assert.equal(i.required, false, `${name}: azdeploy.yml or the environment can supply it`)
      assert.equal(i.default, undefined, `${name}: a default would override azdeploy.yml`)
    }
    assert.deepEqual(Object.keys(doc.outputs).sort(), ['digest', 'image', 'previous-release', 'release', 'url'])
    assert.equal(doc.runs.using, 'node20')
    assert.equal(doc.runs.main, 'action/index.cjs')
  })

  test('the committed action/index.cjs is the bundle of the current source', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-action.js'), '--check'], {encoding: 'utf8'})
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`)
  })

  test('the bundle is self-contained: it requires only Node built-ins', () => {
    const text = readFileSync(join(ROOT, 'action', 'index.cjs'), 'utf8')
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!))
    const builtins = new Set(builtinModules)
    const foreign = [...required].filter((m) => !m.startsWith('node:') && !builtins.has(m))
    assert.deepEqual(foreign, [], 'every package is inside the bundle')
  })
})

interface WorkflowDoc {
  on: {push: {branches: string[]}}
  permissions: Record<string, string>
  concurrency: {group: string}
  jobs: {deploy: {steps: Array<{uses: string; with: Record<string, string>}>}}
}

describe('the workflow azdeploy init writes', () => {
  const base = {app: 'shop-api', resourceGroup: 'shop-rg', repository: 'acme/shop', branch: 'main'}
  for (const [label, v] of [
    ['an image', {...base, location: 'westeurope', image: 'myreg.azurecr.io/shop-api:1'}],
    ['a registry build in an environment', {...base, registry: 'myreg', environment: 'production'}],
    ['awkward values', {...base, app: 'on', resourceGroup: 'rg (1)', branch: 'release/2.0', image: 'a/b:1'}],
  ] as const) {
    test(`has no errors for GitHub’s parser (${label})`, async () => {
      const text = workflowText(v)
      assert.deepEqual(await workflowErrors('azdeploy.yml', text), [], text)
      const doc = parse(text) as WorkflowDoc
      assert.deepEqual(doc.on.push.branches, [v.branch])
      assert.deepEqual(doc.permissions, {'id-token': 'write', contents: 'read'})
      assert.equal(doc.concurrency.group, `azdeploy-${v.app}`)
      const step = doc.jobs.deploy.steps[1]!
      assert.match(step.uses, /^[\w-]+\/azdeploy@v1$/)
      assert.equal(step.with.app, v.app)
      assert.equal(step.with['resource-group'], v.resourceGroup)
    })
  }
  test('the parser rejects a broken workflow (so the checks above can fail)', async () => {
    const bad = workflowText(base).replace(
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@v4\n        run: x',
    )
    assert.ok((await workflowErrors('azdeploy.yml', bad)).some((e) => /Unexpected value 'run'/.test(e)))
  })
})

describe('Action inputs', () => {
  test('map to the input of `up` and the sign-in variables', () => {
    const run = readInputs({
      INPUT_APP: ' shop-api ',
      'INPUT_RESOURCE-GROUP': 'shop-rg',
      'INPUT_HEALTH-PATH': '/healthz',
      INPUT_TIMEOUT: '120',
      'INPUT_NO-ROLLBACK': 'True',
      INPUT_SLOT: 'staging',
      INPUT_ENV: 'A=1\r\n\n  # comment\nB\nC=x=y\n',
      'INPUT_CLIENT-ID': 'client',
      'INPUT_TENANT-ID': 'tenant',
      'INPUT_SUBSCRIPTION-ID': 'sub',
      INPUT_LOCATION: '',
    })
    assert.deepEqual(run.up, {
      app: 'shop-api',
      'resource-group': 'shop-rg',
      'health-path': '/healthz',
      slot: 'staging',
      subscription: 'sub',
      env: ['A=1', 'B', 'C=x=y'],
      timeout: 120,
      'no-rollback': true,
      yes: true,
    })
    assert.deepEqual(run.env, {AZURE_CLIENT_ID: 'client', AZURE_TENANT_ID: 'tenant'})
    assert.equal(settingLines('\n#x\n'), undefined)
  })
})
