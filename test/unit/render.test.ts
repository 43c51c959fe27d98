import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {renderError} from '../../src/cli/render.js'
import {InputError} from '../../src/core/errors.js'

function streams(isTTY: boolean) {
  let stderr = ''
  let stdout = ''
  return {
    out: {stdout: {write: (s: string) => (stdout += s)}, stderr: {isTTY, write: (s: string) => (stderr += s)}},
    text: () => ({stderr, stdout}),
  }
}

describe('renderError', () => {
  const error = new InputError('BAD_PORT', "--port 'x' is not a port\nsecond line", 'Pass --port 8080')

  it('is red in a terminal: the error line red, `Try:` bold, later lines plain', () => {
    const s = streams(true)
    renderError(error, false, s.out, undefined, {})
    assert.equal(
      s.text().stderr,
      "\u001b[31mError (BAD_PORT): --port 'x' is not a port\u001b[0m\nsecond line\n\u001b[1mTry:\u001b[0m Pass --port 8080\n",
    )
  })

  it('stays plain with NO_COLOR, TERM=dumb, in CI, off a terminal and with --json', () => {
    const plain = "Error (BAD_PORT): --port 'x' is not a port\nsecond line\nTry: Pass --port 8080\n"
    const cases: Array<[boolean, Record<string, string>, boolean]> = [
      [true, {NO_COLOR: '1'}, false],
      [true, {TERM: 'dumb'}, false],
      [true, {CI: 'true'}, false],
      [true, {GITHUB_ACTIONS: 'true', CI: 'true'}, false],
      [false, {}, false],
      [true, {}, true],
    ]
    for (const [tty, env, json] of cases) {
      const s = streams(tty)
      renderError(error, json, s.out, undefined, env)
      assert.equal(s.text().stderr, plain, JSON.stringify({tty, env, json}))
      if (json) assert.equal(JSON.parse(s.text().stdout).error.code, 'BAD_PORT')
    }
  })
})

describe('help layout', () => {
  it('wraps an over-wide example with \\ and a deeper indent, text at its own indent, and leaves the rest', async () => {
    const {fitHelp} = await import('../../src/cli/help-layout.js')
    const example = `  $ azdeploy up ${'--env A=1 '.repeat(10).trim()}`
    const out = fitHelp(`EXAMPLES\n${example}\n  $ azdeploy up`, 40, 'azdeploy').split('\n')
    assert.ok(
      out.every((l) => l.length <= 40),
      out.join('\n'),
    )
    assert.equal(out[1], '  $ azdeploy up --env A=1 --env A=1 \\')
    assert.ok(out.slice(2, -2).every((l) => l.startsWith('      --env') && l.endsWith(' \\')))
    assert.equal(out.at(-1), '  $ azdeploy up')
    assert.equal(
      out.join(' ').replaceAll(/ \\ +/g, ' ').replaceAll(/ +/g, ' '),
      `EXAMPLES ${example.trim()} $ azdeploy up`,
    )
    assert.deepEqual(fitHelp(`${'word '.repeat(12).trim()}`, 24, 'azdeploy').split('\n'), [
      'word word word word word',
      'word word word word word',
      'word word',
    ])
    assert.equal(
      fitHelp('EXAMPLES\n  TOKEN=x azdeploy up\nDESCRIPTION\n  TOKEN=x azdeploy up', 80, 'azdeploy'),
      'EXAMPLES\n  $ TOKEN=x azdeploy up\nDESCRIPTION\n  TOKEN=x azdeploy up',
    )
  })
})
