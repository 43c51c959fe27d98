import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {inspect} from 'node:util'
import {AzdeployError, EXIT_CODE_TABLE, ExitCode, InputError} from '../../src/core/errors.js'
import {Secret} from '../../src/core/secret.js'

describe('exit codes', () => {
  it('the documented table is pinned', () => {
    assert.deepEqual(
      EXIT_CODE_TABLE.map(([code]) => code),
      [0, 1, 2, 3, 4, 5, 7, 129, 130, 143],
    )
    assert.equal(ExitCode.Unhealthy, 5)
  })

  it('an error serialises without its cause', () => {
    const e = new AzdeployError('X', ExitCode.Rejected, 'msg', 'do this', {cause: new Error('token=abc')})
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {code: 'X', message: 'msg', hint: 'do this', exitCode: 4})
    assert.equal(new InputError('BAD', 'm').exitCode, 2)
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
