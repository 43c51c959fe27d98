// A long-running operation that Azure ends Failed or Canceled (core-lro throws a plain Error with no status) is a
// clean exit 4 with Azure's code, never "unexpected" (exit 1); an aborted call names what it was waiting for.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {toAzdeployError} from '../../src/adapters/azure/arm-errors.js'
import {ExitCode, InterruptedError} from '../../src/core/errors.js'

describe('ARM errors: long-running operations', () => {
  it('Failed with a code: AZURE_<CODE>, exit 4, the message and a hint', () => {
    const e = toAzdeployError(
      new Error('The long-running operation has failed. InternalServerError. The server broke.'),
      'create web app shop',
    )
    assert.equal(e.code, 'AZURE_INTERNALSERVERERROR')
    assert.equal(e.exitCode, ExitCode.Rejected)
    assert.equal(
      e.message,
      'Azure failed to create web app shop: the operation ended Failed (InternalServerError): The server broke.',
    )
    assert.ok(e.hint)
  })

  it('Failed without details: AZURE_OPERATION_FAILED', () => {
    const e = toAzdeployError(new Error('The long-running operation has failed'), 'create plan p')
    assert.equal(e.code, 'AZURE_OPERATION_FAILED')
    assert.equal(e.exitCode, ExitCode.Rejected)
  })

  it('Canceled: AZURE_OPERATION_CANCELED, exit 4', () => {
    const e = toAzdeployError(new Error('Operation was canceled'), 'delete managed identity x')
    assert.equal(e.code, 'AZURE_OPERATION_CANCELED')
    assert.equal(e.exitCode, ExitCode.Rejected)
    assert.match(e.message, /delete managed identity x/)
  })

  it('an aborted call is an interrupt that names what it waited for', () => {
    const e = toAzdeployError(Object.assign(new Error('aborted'), {name: 'AbortError'}), 'create plan p')
    assert.ok(e instanceof InterruptedError)
    assert.equal(e.during, 'create plan p')
  })
})
