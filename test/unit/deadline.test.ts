// One deadline per command (app/deadline.ts over core/deadline.ts): what the deadline cuts becomes one exit-7
// error naming it; a Ctrl-C, or an error that is not about the abort, passes through unchanged.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {withDeadline} from '../../src/app/deadline.js'
import type {AppIO} from '../../src/app/io.js'
import {COMMAND_DEADLINE_MIN, commandDeadline, deadlineNote, timeoutDeadline} from '../../src/core/deadline.js'
import {ExitCode, InterruptedError, RejectedError, StillRunningError} from '../../src/core/errors.js'
import {readKnobs} from '../../src/core/knobs.js'
import type {Reporter} from '../../src/output/reporter.js'

function io(signal: AbortSignal, current?: string): AppIO {
  return {
    cwd: '/',
    env: {},
    signal,
    reporter: {current} as unknown as Reporter,
    interactive: false,
    confirm: async () => false,
  }
}

/** Waits on `signal` the way an SDK call does: rejects with an AbortError once it aborts. */
const waitFor = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), {name: 'AbortError'}))),
  )

describe('command deadlines', () => {
  it('fixed per command, replaced by AZDEPLOY_DEADLINE_MS, named in --help', () => {
    assert.deepEqual(commandDeadline('status', readKnobs({})), {
      ms: 10 * 60_000,
      source: 'the 10 min deadline of `status`',
    })
    assert.equal(commandDeadline('push', readKnobs({})).ms, COMMAND_DEADLINE_MIN.push * 60_000)
    assert.match(commandDeadline('push', readKnobs({})).hint ?? '', /push again/)
    assert.deepEqual(commandDeadline('down', readKnobs({AZDEPLOY_DEADLINE_MS: '2500'})), {
      ms: 2500,
      source: 'AZDEPLOY_DEADLINE_MS=2500',
    })
    assert.throws(() => readKnobs({AZDEPLOY_DEADLINE_MS: '-1'}), /AZDEPLOY_DEADLINE_MS='-1'/)
    assert.match(deadlineNote('down'), /30 minutes .*exit 7; AZDEPLOY_DEADLINE_MS/)
    assert.match(deadlineNote('logs'), /--follow/)
    assert.deepEqual(timeoutDeadline(300), {ms: 300_000, source: '--timeout 300'})
  })

  it('an SDK wait cut by the deadline is exit 7 naming what was in progress', async () => {
    const ctrlC = new AbortController()
    const started = Date.now()
    const e = await withDeadline(io(ctrlC.signal, 'Apply changes'), {ms: 30, source: '--timeout 1'}, async (d) => {
      assert.ok(d.deadlineAt !== undefined && d.deadlineAt >= started + 30)
      try {
        return await waitFor(d.signal)
      } catch {
        throw new InterruptedError('Interrupted while waiting to create plan p', undefined, undefined, 'create plan p')
      }
    }).catch((x: unknown) => x)
    assert.ok(e instanceof StillRunningError, String(e))
    assert.equal(e.exitCode, ExitCode.StillRunning)
    assert.equal(e.message, "Stopped waiting after 30 ms (--timeout 1): 'create plan p' was still in progress")
    assert.match(e.hint ?? '', /azdeploy status/)
  })

  it('without a named operation, the stage running is named', async () => {
    const e = await withDeadline(io(new AbortController().signal, 'Read releases'), {ms: 20, source: 'x'}, (d) =>
      waitFor(d.signal),
    ).catch((x: unknown) => x)
    assert.ok(e instanceof StillRunningError)
    assert.match(e.message, /'Read releases' was still in progress$/)
  })

  it('Ctrl-C wins: the interrupt passes through unchanged', async () => {
    const ctrlC = new AbortController()
    const interrupt = new InterruptedError('Interrupted')
    const run = withDeadline(io(ctrlC.signal), {ms: 60_000, source: 'x'}, (d) => waitFor(d.signal))
    ctrlC.abort(interrupt)
    const e = await run.catch((x: unknown) => x)
    assert.equal((e as Error).name, 'AbortError', 'not turned into a deadline')
  })

  it('an error that is not the abort passes through, even after the deadline', async () => {
    const azure = new RejectedError('AZURE_CONFLICT', 'Azure refused')
    const e = await withDeadline(io(new AbortController().signal), {ms: 10, source: 'x'}, async (d) => {
      await waitFor(d.signal).catch(() => undefined)
      throw azure
    }).catch((x: unknown) => x)
    assert.equal(e, azure)
  })

  it('a deadline inside another keeps the earlier one', async () => {
    const outer = io(new AbortController().signal)
    await withDeadline(outer, {ms: 1000, source: 'a'}, (a) =>
      withDeadline(a, {ms: 60_000, source: 'b'}, async (b) => {
        assert.equal(b.deadlineAt, a.deadlineAt)
      }),
    )
  })
})
