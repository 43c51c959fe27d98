import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {inspect} from 'node:util'
import {AzdeployError, EXIT_CODE_TABLE, ExitCode, InputError, LockHeldError} from '../../src/core/errors.js'
import {Secret} from '../../src/core/secret.js'

describe('exit codes', () => {
  it('the documented table is pinned', () => {
    assert.deepEqual(
      EXIT_CODE_TABLE.map(([code]) => code),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 129, 130, 143],
    )
    assert.equal(ExitCode.Unhealthy, 5)
  })

  it('an error serialises without its cause', () => {
    const e = new AzdeployError('X', ExitCode.Rejected, 'msg', 'do this', {cause: new Error('token=abc')})
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {code: 'X', message: 'msg', hint: 'do this', exitCode: 4})
    assert.equal(new InputError('BAD', 'm').exitCode, 2)
  })
})

describe('LockHeldError', () => {
  it('exits 6 and names the holder, since when and when a crashed lock expires', () => {
    const since = Date.parse('2026-12-01T10:00:00Z')
    const e = new LockHeldError('api', {holder: 'Ana Lima (ana@contoso.com)', since, expiresAt: since + 600_000})
    assert.equal(e.exitCode, 6)
    assert.equal(e.code, 'LOCK_HELD')
    assert.match(e.message, /api is being deployed by Ana Lima \(ana@contoso\.com\) since 2026-12-01T10:00:00\.000Z/)
    assert.match(e.hint ?? '', /--lock-wait SECONDS/)
    assert.match(e.hint ?? '', /expires at 2026-12-01T10:10:00\.000Z/)
    assert.match(new LockHeldError('api', {holder: 'x', since, expiresAt: since}, 30_000).message, /waited 30 s/)
    assert.equal(EXIT_CODE_TABLE.find(([c]) => c === 6)?.[1].startsWith('deploy lock held by someone else'), true)
  })
})

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2')
    assert.equal(`${s}`, '[REDACTED]')
    assert.equal(JSON.stringify({s}), '{"s":"[REDACTED]"}')
    assert.ok(!inspect(s).includes('hunter2'))
    assert.equal(s.reveal(), 'hunter2')
  })
})
