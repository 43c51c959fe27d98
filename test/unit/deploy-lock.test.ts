// The deploy lock: value encoding, state rules, and the acquire/wait/renew/release service over an in-memory
// tag store with a fake clock (no real sleeps).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  decodeLock,
  encodeLock,
  LOCK_MARGIN_MS,
  lockState,
  lockTtl,
  newLock,
  nextLockPoll,
  renewLock,
} from '../../src/core/deploy-lock.js'
import {InterruptedError, LockHeldError} from '../../src/core/errors.js'
import {decodeTags, LOCK_KEY, TAG_VALUE_MAX} from '../../src/core/release-tags.js'
import type {SiteRef} from '../../src/core/site-ref.js'
import {createReporter} from '../../src/output/reporter.js'
import type {Clock} from '../../src/ports/index.js'
import type {ReleaseStore} from '../../src/ports/releases.js'
import {acquireLock, releaseLock, withDeployLock} from '../../src/services/deploy-lock.js'
import {runRelease} from '../../src/services/release-run.js'

const T0 = Date.parse('2026-12-01T10:00:00Z')
const SITE: SiteRef = {resourceGroup: 'rg', site: 'api'}

function fakeClock(): Clock & {slept: number[]; t: number} {
  const c = {
    t: T0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number, signal: AbortSignal) => {
      if (signal.aborted) throw signal.reason
      c.slept.push(ms)
      c.t += ms
      await new Promise((r) => setImmediate(r))
      if (signal.aborted) throw signal.reason
    },
  }
  return c
}

/** ARM-tags-like store: Merge overwrites given names, Delete removes given names. `beforeRead` injects races. */
function memoryStore(initial: Record<string, string> = {}) {
  const tags: Record<string, string> = {...initial}
  const calls: string[] = []
  const signals: AbortSignal[] = []
  const s = {
    tags,
    calls,
    signals,
    beforeRead: undefined as undefined | (() => void),
    store: {
      async list(_site, o) {
        signals.push(o?.signal as AbortSignal)
        return decodeTags(tags)
      },
      async put(_site, t) {
        Object.assign(tags, t)
      },
      async deleteKeys(_site, keys) {
        for (const k of keys) delete tags[k]
      },
      async readLock(_site, o) {
        calls.push('read')
        signals.push(o?.signal as AbortSignal)
        s.beforeRead?.()
        return tags[LOCK_KEY]
      },
      async writeLock(_site, lock) {
        calls.push('write')
        tags[LOCK_KEY] = encodeLock(lock)
      },
      async deleteLock(_site, lock, o) {
        calls.push('delete')
        signals.push(o?.signal as AbortSignal)
        const cur = tags[LOCK_KEY]
        if (cur === undefined) return true
        if (decodeLock(cur)?.nonce !== lock.nonce) return false
        delete tags[LOCK_KEY]
        return true
      },
    } satisfies ReleaseStore,
  }
  return s
}

const other = newLock('Bo Chen (bo@contoso.com)', 'othernonce1', T0 - 60_000, 600_000)
const opts = (signal = new AbortController().signal) => ({
  site: SITE,
  holder: 'Ana Lima (ana@contoso.com)',
  timeoutMs: 300_000,
  waitMs: 0,
  signal,
  nonce: 'mynonce12345',
  pollFirstMs: 1000,
  pollMaxMs: 8000,
})

describe('lock rules', () => {
  it('encodes and decodes; a long holder name is shortened to fit', () => {
    const l = newLock('Ana | Lima', 'abcdefgh12', T0, 1000)
    assert.deepEqual(decodeLock(encodeLock(l)), l)
    const long = encodeLock(newLock('x'.repeat(400), 'abcdefgh12', T0, 1000))
    assert.ok(long.length <= TAG_VALUE_MAX)
    assert.ok(decodeLock(long)?.holder.endsWith('…'))
    assert.equal(decodeLock('2|future'), null)
    assert.throws(() => encodeLock({...l, nonce: 'BAD!'}), /nonce/)
  })

  it('free, ours, held, expired; an unreadable value counts as free', () => {
    const v = encodeLock(other)
    assert.equal(lockState(undefined, T0).state, 'free')
    assert.equal(lockState('garbage', T0).state, 'free')
    assert.equal(lockState(v, T0).state, 'held')
    assert.equal(lockState(v, T0, 'othernonce1').state, 'ours')
    assert.equal(lockState(v, other.expiresAt).state, 'expired')
  })

  it('ttl = timeout + margin; renew only extends; polls double, capped, never past the deadline', () => {
    assert.equal(lockTtl(300_000), 300_000 + LOCK_MARGIN_MS)
    assert.equal(renewLock(other, T0, 1).expiresAt, other.expiresAt)
    assert.equal(renewLock(other, T0 + 600_000, 600_000).expiresAt, T0 + 1_200_000)
    assert.equal(nextLockPoll(undefined, 0, 10_000), 1000)
    assert.equal(nextLockPoll(4000, 0, 100_000), 8000)
    assert.equal(nextLockPoll(8000, 0, 100_000, 1000, 15_000), 15_000)
    assert.equal(nextLockPoll(8000, 95_000, 100_000), 5000)
  })
})

describe('acquire / release', () => {
  it('takes a free lock: read, Merge, read back', async () => {
    const m = memoryStore({Environment: 'prod'})
    const lock = await acquireLock(m.store, fakeClock(), opts())
    assert.deepEqual(m.calls, ['read', 'write', 'read'])
    assert.equal(lock.expiresAt, T0 + lockTtl(300_000))
    assert.equal(decodeLock(m.tags[LOCK_KEY]!)?.nonce, 'mynonce12345')
    assert.equal(m.tags['Environment'], 'prod')
    assert.equal(await releaseLock(m.store, SITE, lock), true)
    assert.equal(m.tags[LOCK_KEY], undefined)
  })

  it('fails at once naming the holder and since when (exit 6)', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    await assert.rejects(acquireLock(m.store, fakeClock(), opts()), (e: LockHeldError) => {
      assert.ok(e instanceof LockHeldError)
      assert.equal(e.exitCode, 6)
      assert.match(e.message, /api is being deployed by Bo Chen \(bo@contoso\.com\) since 2026-12-01T09:59:00\.000Z/)
      return true
    })
    assert.deepEqual(m.calls, ['read'])
    assert.equal(decodeLock(m.tags[LOCK_KEY]!)?.nonce, 'othernonce1', 'the holder keeps it')
  })

  it('--lock-wait polls with backoff and takes the lock once released', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    const clock = fakeClock()
    let reads = 0
    m.beforeRead = () => {
      if (++reads === 4) delete m.tags[LOCK_KEY]
    }
    const waits: number[] = []
    const lock = await acquireLock(m.store, clock, {...opts(), waitMs: 60_000, onWait: (_l, w) => waits.push(w)})
    assert.equal(lock.nonce, 'mynonce12345')
    assert.deepEqual(clock.slept, [1000, 2000, 4000])
    assert.deepEqual(waits, [0, 1000, 3000])
  })

  it('--lock-wait gives up at its deadline with the holder named and the time waited', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    const clock = fakeClock()
    await assert.rejects(
      acquireLock(m.store, clock, {...opts(), waitMs: 10_000}),
      (e: LockHeldError) => e instanceof LockHeldError && /waited 10 s/.test(e.message),
    )
    assert.deepEqual(clock.slept, [1000, 2000, 4000, 3000])
  })

  it("takes over a crashed holder's expired lock and says so", async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock({...other, expiresAt: T0 - 1})})
    let taken: string | undefined
    await acquireLock(m.store, fakeClock(), {...opts(), onTakeover: (l) => (taken = l.holder)})
    assert.equal(taken, 'Bo Chen (bo@contoso.com)')
    assert.equal(decodeLock(m.tags[LOCK_KEY]!)?.nonce, 'mynonce12345')
  })

  it('losing the write race (another nonce read back) counts as held', async () => {
    const m = memoryStore()
    let reads = 0
    m.beforeRead = () => {
      if (++reads === 2) m.tags[LOCK_KEY] = encodeLock({...other, since: T0})
    }
    await assert.rejects(acquireLock(m.store, fakeClock(), opts()), LockHeldError)
    assert.deepEqual(m.calls, ['read', 'write', 'read', 'read'])
  })

  it('release deletes only our own lock', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    assert.equal(await releaseLock(m.store, SITE, newLock('me', 'mynonce12345', T0, 1)), false)
    assert.ok(m.tags[LOCK_KEY])
  })

  it('Ctrl-C while waiting is an interruption and writes nothing', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    const ac = new AbortController()
    m.beforeRead = () => ac.abort()
    await assert.rejects(acquireLock(m.store, fakeClock(), {...opts(ac.signal), waitMs: 60_000}), InterruptedError)
    assert.ok(!m.calls.includes('write'))
  })
})

describe('withDeployLock', () => {
  it('renews while the work runs and releases afterwards, with its own signal after Ctrl-C', async () => {
    const m = memoryStore()
    const clock = fakeClock()
    const ac = new AbortController()
    await assert.rejects(
      withDeployLock(m.store, clock, {...opts(ac.signal), renewEveryMs: 10}, async () => {
        // Let a few renewals happen, then the user presses Ctrl-C and the work fails with it.
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
        ac.abort()
        throw new InterruptedError('Interrupted')
      }),
      InterruptedError,
    )
    assert.ok(m.calls.filter((c) => c === 'write').length >= 2, `renewed: ${m.calls.join(',')}`)
    assert.equal(m.calls.at(-1), 'delete')
    assert.equal(m.tags[LOCK_KEY], undefined)
    const releaseSignal = m.signals.at(-1)!
    assert.equal(releaseSignal.aborted, false, 'the release did not use the aborted signal')
  })

  it('tells when a renewal finds the lock taken over', async () => {
    const m = memoryStore()
    let lost = false
    await withDeployLock(m.store, fakeClock(), {...opts(), renewEveryMs: 10, onLost: () => (lost = true)}, async () => {
      m.tags[LOCK_KEY] = encodeLock(other)
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
      return 1
    })
    assert.ok(lost)
    assert.equal(decodeLock(m.tags[LOCK_KEY]!)?.nonce, 'othernonce1', "someone else's lock is left alone")
  })
})

describe('waiting for the lock in a terminal', () => {
  it('shows a spinner line with the time waited of --lock-wait and Ctrl-C, then how long it took', async () => {
    const m = memoryStore({[LOCK_KEY]: encodeLock(other)})
    const clock = fakeClock()
    let reads = 0
    m.beforeRead = () => {
      if (++reads === 3) delete m.tags[LOCK_KEY]
    }
    const chunks: string[] = []
    const stderr = {isTTY: true, write: (c: string) => chunks.push(c) > 0}
    const out = createReporter({
      json: false,
      verbose: false,
      env: {NO_COLOR: '1'},
      stderr,
      stdout: stderr,
      now: () => clock.t,
    })
    const run = await runRelease(
      {
        store: m.store,
        clock,
        site: SITE,
        siteExists: true,
        keep: 20,
        holder: 'Ana Lima (ana@contoso.com)',
        lockWaitMs: 60_000,
        timeoutMs: 300_000,
        signal: new AbortController().signal,
        out,
        lockPollMs: 1000,
        lockPollMaxMs: 8000,
      },
      async (h) => h.waited,
    )
    assert.equal(run.value, true)
    const text = chunks.join('')
    assert.match(text, /waiting for the deploy lock: held by Bo Chen/)
    assert.match(text, /waiting for the deploy lock \(\d+ s of 60 s, Ctrl-C to stop\)/)
    assert.match(text, /✔ deploy lock taken after 3\.\d s\n/)
  })
})
