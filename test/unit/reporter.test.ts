import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {redactUrl} from '../../src/output/redact.js'
import {createReporter} from '../../src/output/reporter.js'

function sink(isTTY: boolean) {
  const chunks: string[] = []
  return {chunks, isTTY, write: (s: string) => chunks.push(s) > 0, text: () => chunks.join('')}
}

describe('reporter', () => {
  it('human mode: spinner and stages on stderr, only the result on stdout, colour unless NO_COLOR', async () => {
    const err = sink(true)
    const out = sink(false)
    const r = createReporter({json: false, verbose: false, env: {}, stderr: err, stdout: out})
    assert.equal(r.mode, 'human')
    await r.stage('Apply changes', async () => 1)
    assert.equal(out.text(), '')
    assert.match(err.text(), /✔(\u001b\[0m)? Apply changes/)
    assert.match(err.text(), /\u001b\[32m/)
    r.result(['Deployed'])
    assert.equal(out.text(), 'Deployed\n')
    const plain = sink(true)
    const r2 = createReporter({json: false, verbose: false, env: {NO_COLOR: '1'}, stderr: plain, stdout: sink(false)})
    await r2.stage('x', async () => 1)
    assert.doesNotMatch(plain.text(), /\u001b\[3\dm/)
  })

  it('draws one progress bar per item above the spinner in a terminal, none in CI', async () => {
    const err = sink(true)
    const r = createReporter({json: false, verbose: false, env: {NO_COLOR: '1'}, stderr: err, stdout: sink(false)})
    await r.stage('Push', async () => {
      r.progress('a', 'layer-a', 50, 100)
      r.progress('b', 'layer-b', 100, 100)
      r.progress('a', 'layer-a', 100, 100)
    })
    const text = err.text()
    assert.match(text, /layer-a .*50%/)
    assert.match(text, /\u001b\[2A/, 'the second redraw moves up over both bars')
    assert.match(text, /layer-b .*100%/)
    const ci = sink(false)
    const r2 = createReporter({json: false, verbose: false, env: {CI: '1'}, stderr: ci, stdout: sink(false)})
    r2.progress('a', 'layer-a', 1, 2)
    assert.equal(ci.text(), '')
  })

  it('CI mode: timestamped plain lines, GitHub groups, no spinner', async () => {
    const err = sink(true)
    const r = createReporter({json: false, verbose: false, env: {CI: 'true'}, stderr: err, stdout: sink(false)})
    assert.equal(r.mode, 'ci')
    await r.stage('Resolve', async (u) => u('reading'))
    assert.match(err.text(), /^\d{4}-\d\d-\d\dT[\d:.]+Z Resolve…\n/)
    assert.match(err.text(), /Resolve: reading/)
    assert.doesNotMatch(err.text(), /\r/)
    const gh = sink(false)
    const r2 = createReporter({
      json: false,
      verbose: false,
      env: {GITHUB_ACTIONS: 'true'},
      stderr: gh,
      stdout: sink(false),
    })
    await r2.stage('Apply', async () => 1)
    r2.warn('careful')
    assert.match(gh.text(), /::group::Apply\n[\s\S]*::endgroup::/)
    assert.match(gh.text(), /::warning::careful/)
  })

  it('JSON mode keeps stdout for the document and stderr quiet but for warnings', async () => {
    const err = sink(true)
    const out = sink(false)
    const r = createReporter({json: true, verbose: false, env: {}, stderr: err, stdout: out})
    await r.stage('Apply', async () => 1)
    r.info('hello')
    r.result(['x'])
    assert.equal(out.text(), '')
    assert.equal(err.text(), '')
    assert.equal(r.timings.length, 1)
  })

  it('redacts tokens in anything it prints, and --verbose only shows debug', async () => {
    const err = sink(false)
    const r = createReporter({json: false, verbose: true, env: {}, stderr: err, stdout: sink(false)})
    r.debug('GET x Authorization: Bearer abcdefghijklmnop')
    r.warn('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl here')
    assert.doesNotMatch(err.text(), /abcdefghijklmnop|eyJhbGciOiJIUzI1NiJ9/)
    const quiet = sink(false)
    createReporter({json: false, verbose: false, env: {}, stderr: quiet, stdout: sink(false)}).debug('secret trace')
    assert.equal(quiet.text(), '')
    assert.equal(redactUrl('https://u:p@h/x?sig=abc&a=1'), 'https://REDACTED@h/x?sig=REDACTED&a=1')
  })
})
