// Workflow-command escaping, masks, GITHUB_OUTPUT records, the job summary's markdown, and the reporter's GitHub mode.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {
  escapeData,
  escapeProperty,
  maskCommands,
  neutralizeCommands,
  outputRecords,
  parseOutputRecords,
  workflowCommand,
} from '../../src/output/github.js'
import {
  type DeployReport,
  deployOutputs,
  deploySummary,
  mdCode,
  mdText,
  rollbackCommand,
} from '../../src/output/github-summary.js'
import {createReporter} from '../../src/output/reporter.js'

function sink() {
  const chunks: string[] = []
  return {chunks, isTTY: false, write: (s: string) => chunks.push(s) > 0, text: () => chunks.join('')}
}

const report = (over: Partial<DeployReport> = {}): DeployReport => ({
  app: 'shop-api',
  resourceGroup: 'shop-rg',
  url: 'https://shop-api.azurewebsites.net',
  image: 'myreg.azurecr.io/shop-api:1',
  digest: `sha256:${'a'.repeat(64)}`,
  release: 7,
  previousRelease: 6,
  changed: true,
  dryRun: false,
  changes: [{action: 'update', resource: 'web app shop-api', reason: 'image changed'}],
  health: 'serving',
  healthEvidence: ['container log: the new container reported ready', 'https://shop-api.azurewebsites.net/ → 200'],
  timings: {'Apply changes': 1234},
  ...over,
})

describe('workflow commands', () => {
  test('data escapes % first, then CR and LF; properties also : and ,', () => {
    assert.equal(escapeData('100%\r\nnext'), '100%25%0D%0Anext')
    assert.equal(escapeData('%0A'), '%250A', 'an escape-looking text stays text')
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A')
    assert.equal(
      workflowCommand('error', 'bad\nline', {title: 'T: 1, 2', file: undefined}),
      '::error title=T%3A 1%2C 2::bad%0Aline\n',
    )
    assert.equal(workflowCommand('group', 'Apply changes'), '::group::Apply changes\n')
  })

  test('masks: the value and each of its lines; short values are not announced', () => {
    assert.equal(maskCommands('s3cr3t-value'), '::add-mask::s3cr3t-value\n')
    assert.equal(
      maskCommands('line-one\nline-two'),
      '::add-mask::line-one%0Aline-two\n::add-mask::line-one\n::add-mask::line-two\n',
    )
    assert.equal(maskCommands('on'), '')
  })

  test('plain text cannot start a command', () => {
    assert.equal(neutralizeCommands('x\n  ::warning::y'), 'x\n  :\u200b:warning::y')
    assert.equal(neutralizeCommands('a::b'), 'a::b')
  })
})

describe('GITHUB_OUTPUT records', () => {
  test('name=value for one line, a random heredoc delimiter for several; the runner reads them back', () => {
    let n = 0
    const text = outputRecords({url: 'https://x', notes: 'a\nb', empty: ''}, () => `D${n++}`)
    assert.equal(text, 'url=https://x\nnotes<<D0\na\nb\nD0\nempty=\n')
    assert.deepEqual(parseOutputRecords(text), {url: 'https://x', notes: 'a\nb', empty: ''})
  })

  test('a delimiter that occurs in the value is replaced', () => {
    const seq = ['EOF', 'EOF', 'Z9']
    const text = outputRecords({v: 'x\nEOF\ny'}, () => seq.shift()!)
    assert.equal(text, 'v<<Z9\nx\nEOF\ny\nZ9\n')
  })

  test('deploy outputs always carry previous-release', () => {
    assert.deepEqual(deployOutputs(report({release: null, previousRelease: undefined, url: null})), {
      url: '',
      image: 'myreg.azurecr.io/shop-api:1',
      digest: `sha256:${'a'.repeat(64)}`,
      release: '',
      'previous-release': '',
    })
    assert.equal(deployOutputs(report())['previous-release'], '6')
  })
})

describe('job summary', () => {
  test('names app, URL, image, digest, releases, stage times, verdict with evidence, changes, the rollback command', () => {
    const md = deploySummary(report())
    for (const part of [
      '### azdeploy: deployed shop\\-api',
      '| URL | [https://shop\\-api\\.azurewebsites\\.net](https://shop-api.azurewebsites.net) |',
      '| Image | `myreg.azurecr.io/shop-api:1` |',
      `| Digest | \`sha256:${'a'.repeat(64)}\` |`,
      '| Release | 7 |',
      '| Previous release | 6 |',
      '| Health | ✅ serving',
      '- container log: the new container reported ready',
      '| Apply changes | 1.2 s |',
      '- update `web app shop-api`: image changed',
      '```sh\nazdeploy rollback --app shop-api --resource-group shop-rg --to 6\n```',
    ])
      assert.ok(md.includes(part), `missing ${part}\n${md}`)
    assert.equal(rollbackCommand(report({previousRelease: null})), null)
    assert.equal(
      rollbackCommand(report({slot: 'staging', resourceGroup: "rg (it's)"})),
      "azdeploy rollback --app shop-api --resource-group 'rg (it'\\''s)' --slot staging --to 6",
    )
  })

  test('values from Azure are text, never markup', () => {
    assert.equal(
      mdText('<img src=x onerror=alert(1)> | *b* [l](u)'),
      '&lt;img src=x onerror=alert\\(1\\)&gt; \\| \\*b\\* \\[l\\]\\(u\\)',
    )
    assert.equal(mdCode('a`b|c'), '``a`b¦c``')
    const md = deploySummary(
      report({
        url: 'https://evil.example/"><script>',
        changes: [{action: 'update', resource: 'x', reason: 'line\n| injected | row |'}],
        healthEvidence: ['<b>bold</b>'],
      }),
    )
    assert.ok(!md.includes('<script>') && !md.includes('<b>'), md)
    assert.ok(!md.includes('](https://evil'), 'a URL that is not plain is not linked')
    assert.ok(md.includes('line \\| injected \\| row \\|'), 'no new table row')
  })
})

describe('reporter in GitHub Actions', () => {
  test('groups with escaped names, warnings as annotations, masks once and unredacted, neutralized info lines', async () => {
    const err = sink()
    const r = createReporter({
      json: false,
      verbose: false,
      env: {CI: 'true', GITHUB_ACTIONS: 'true'},
      stderr: err,
      stdout: sink(),
    })
    r.mask('registry-pass-1')
    r.mask('registry-pass-1')
    await r.stage('Read 100%', async () => r.warn('slow\nstill'))
    r.info('from azure\n::set-env name=X::y')
    r.annotateError('failed: 50%', 'UNHEALTHY')
    const text = err.text()
    assert.equal(text.split('\n')[0], '::add-mask::registry-pass-1')
    assert.equal(text.match(/add-mask/g)?.length, 1)
    assert.match(text, /^::group::Read 100%25$/m)
    assert.match(text, /^::warning::slow%0Astill$/m)
    assert.match(text, /^::endgroup::$/m)
    assert.doesNotMatch(text, /^\s*::set-env/m)
    assert.match(text, /^::error title=UNHEALTHY::failed: 50%25$/m)
  })

  test('masks are announced in JSON mode too, and nowhere outside Actions', () => {
    const inJson = sink()
    createReporter({json: true, verbose: false, env: {GITHUB_ACTIONS: 'true'}, stderr: inJson, stdout: sink()}).mask(
      'abcdef',
    )
    assert.equal(inJson.text(), '::add-mask::abcdef\n')
    const local = sink()
    createReporter({json: false, verbose: false, env: {CI: 'true'}, stderr: local, stdout: sink()}).mask('abcdef')
    assert.equal(local.text(), '')
  })
})
