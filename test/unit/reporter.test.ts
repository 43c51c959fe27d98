import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {redactUrl} from '../../src/output/redact.js'
import {createReporter} from '../../src/output/reporter.js'
import {fitLine, waitSuffix} from '../../src/output/wait-line.js'

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

  it('info and warning text quoting Azure or a container shows its control characters instead of obeying them', () => {
    const osc52 = 'pwned \u001b]52;c;ZXZpbA==\u0007 done'
    const tty = sink(true)
    const r = createReporter({json: false, verbose: false, env: {NO_COLOR: '1'}, stderr: tty, stdout: sink(false)})
    r.info(osc52)
    r.warn(osc52)
    assert.doesNotMatch(tty.text(), /\u001b\]52/, 'no raw OSC 52 on the terminal')
    assert.equal(tty.text().split('␛]52;c;ZXZpbA==').length, 3, 'both lines show it escaped')
    const ci = sink(false)
    createReporter({json: false, verbose: false, env: {CI: 'true'}, stderr: ci, stdout: sink(false)}).warn(osc52)
    assert.doesNotMatch(ci.text(), /\u001b/, 'no ESC in CI logs either')
  })

  it('a result quoting Azure shows control characters, and keeps the colour codes of our own formatting', () => {
    const out = sink(false)
    const r = createReporter({json: false, verbose: false, env: {}, stderr: sink(true), stdout: out})
    r.result(['state: Running \u001b]52;c;ZXZpbA==\u0007', '\u001b[31merror\u001b[0m finding'])
    assert.doesNotMatch(out.text(), /\u001b\]52/, 'no raw OSC 52 on stdout')
    assert.match(out.text(), /␛\]52;c;ZXZpbA==/)
    assert.match(out.text(), /\u001b\[31merror\u001b\[0m finding/, 'SGR colour is ours and stays')
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

  describe('waits in a terminal', () => {
    const human = (env: Record<string, string> = {NO_COLOR: '1'}) => {
      const err = sink(true)
      let t = 1000
      const r = createReporter({json: false, verbose: false, env, stderr: err, stdout: sink(false), now: () => t})
      return {err, r, at: (ms: number) => (t = 1000 + ms)}
    }
    const stripped = (s: string) => s.replaceAll(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T').replaceAll(/\(\d+\.\ds\)/g, '(s)')

    it('a waiting stage shows time waited of its limit and Ctrl-C, then what happened after how long', async () => {
      const {err, r, at} = human()
      await r.stage(
        'Wait until the new container serves',
        async (update) => {
          at(12_400)
          update('waiting for the new container')
          at(14_200)
        },
        {wait: {limitMs: 230_000, done: 'answered'}},
      )
      const text = err.text()
      assert.match(text, /Wait until the new container serves (\(0 s of 230 s, Ctrl-C to stop\))/, 'drawn at once')
      assert.match(text, /serves waiting for the new container \(12 s of 230 s, Ctrl-C to stop\)/)
      assert.match(text, /\r\u001b\[2K✔ Wait until the new container serves: answered after 14\.2 s\n$/)
      assert.doesNotMatch(text, /\u001b\[3\dm/, 'NO_COLOR')
    })

    it('a wait without a limit shows only the time waited; a failed wait says how long it tried', async () => {
      const {err, r, at} = human()
      await r.stage('Swap slot staging into production', async () => at(3_000), {wait: {done: 'swapped'}})
      assert.match(err.text(), /production \(0 s, Ctrl-C to stop\)/)
      assert.match(err.text(), /✔ Swap slot staging into production: swapped after 3\.0 s\n/)
      await assert.rejects(
        r.stage(
          'Push x',
          async () => {
            at(5_000)
            throw new Error('refused')
          },
          {wait: {done: 'pushed'}},
        ),
      )
      assert.match(err.text(), /✘ Push x \(2\.0s\)\n$/)
      assert.doesNotMatch(err.text(), /pushed after/)
    })

    it('a wait outside a stage (the deploy lock) is a spinner line of its own, ended with how long it took', () => {
      const {err, r, at} = human()
      const line = r.wait('waiting for the deploy lock', {limitMs: 300_000})
      at(61_000)
      line.update('held by ci@example')
      r.info('a line of its own')
      at(62_500)
      line.done('deploy lock taken')
      line.stop()
      const text = err.text()
      assert.match(text, /waiting for the deploy lock held by ci@example \(61 s of 300 s, Ctrl-C to stop\)/)
      assert.match(text, /\r\u001b\[2Ka line of its own\n/, 'the spinner line is cleared before another line')
      assert.match(text, /✔ deploy lock taken after 62\.5 s\n$/)
      assert.equal(text.match(/deploy lock taken/g)?.length, 1, 'stop after done writes nothing')
    })

    it('CI and JSON output of a waiting stage are those of any stage, and a wait outside a stage writes nothing', async () => {
      for (const env of [{CI: 'true'}, {GITHUB_ACTIONS: 'true', CI: 'true'}]) {
        const plain = sink(false)
        const waiting = sink(false)
        const a = createReporter({json: false, verbose: false, env, stderr: plain, stdout: sink(false)})
        const b = createReporter({json: false, verbose: false, env, stderr: waiting, stdout: sink(false)})
        await a.stage('Wait', async (u) => u('polling'))
        await b.stage('Wait', async (u) => u('polling'), {wait: {limitMs: 1000, done: 'answered'}})
        b.wait('waiting for the deploy lock', {limitMs: 5}).done('deploy lock taken')
        assert.equal(stripped(waiting.text()), stripped(plain.text()))
        assert.doesNotMatch(waiting.text(), /Ctrl-C|after/)
      }
      const json = sink(true)
      const j = createReporter({json: true, verbose: false, env: {}, stderr: json, stdout: sink(false)})
      await j.stage('Wait', async () => 1, {wait: {done: 'answered'}})
      j.wait('x').done('y')
      assert.equal(json.text(), '')
    })

    it('the spinner line fits the terminal: the detail is cut, never wrapped', () => {
      assert.equal(waitSuffix(12_999, 230_000), '(12 s of 230 s, Ctrl-C to stop)')
      assert.equal(waitSuffix(500), '(0 s, Ctrl-C to stop)')
      const tail = waitSuffix(1000, 2000)
      const line = fitLine('Wait until it serves', 'x'.repeat(200), tail, 78)
      assert.ok([...line].length < 78, line)
      assert.ok(line.startsWith('Wait until it serves x') && line.endsWith(`… ${tail}`), line)
      assert.equal(fitLine('a', 'b', 'c', undefined), 'a b c')
      assert.ok([...fitLine('x'.repeat(100), 'd', tail, 40)].length < 40)
    })
  })
})
