import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {NUMBER_KNOBS, readKnobs, TEXT_KNOBS} from '../../src/core/knobs.js'

describe('runtime knobs', () => {
  it('defaults when unset or empty', () => {
    const k = readKnobs({})
    assert.equal(k.pollIntervalMs, 250)
    assert.equal(k.lroIntervalMs, 2000)
    assert.equal(k.rolePropagationMs, 600_000)
    assert.equal(k.pullRetryMs, 10_000)
    assert.equal(k.logGraceMs, 60_000)
    assert.equal(k.roleRetryMs, 5000)
    assert.equal(k.maxRetries, 3)
    assert.equal(k.configDir, undefined)
    assert.deepEqual(readKnobs({AZDEPLOY_POLL_INTERVAL_MS: '', AZDEPLOY_CONFIG_DIR: ''}), k)
  })

  it('reads whole numbers, 0 included', () => {
    const k = readKnobs({
      AZDEPLOY_POLL_INTERVAL_MS: '20',
      AZDEPLOY_ROLE_PROPAGATION_MS: '0',
      AZDEPLOY_CONFIG_DIR: '/tmp/x',
    })
    assert.equal(k.pollIntervalMs, 20)
    assert.equal(k.rolePropagationMs, 0)
    assert.equal(k.configDir, '/tmp/x')
  })

  for (const bad of ['abc', '-5', '1.5', '1e3', '0x10', '99999999999']) {
    it(`refuses AZDEPLOY_POLL_INTERVAL_MS=${bad} naming the variable and value`, () => {
      assert.throws(
        () => readKnobs({AZDEPLOY_POLL_INTERVAL_MS: bad}),
        (e: Error & {code?: string; hint?: string; exitCode?: number}) =>
          e.code === 'INVALID_KNOB' &&
          e.exitCode === 2 &&
          e.message.includes(`AZDEPLOY_POLL_INTERVAL_MS='${bad}'`) &&
          /AZDEPLOY_POLL_INTERVAL_MS/.test(e.hint ?? ''),
      )
    })
  }

  it('refuses a logs poll interval of 0 (it would spin)', () => {
    assert.throws(() => readKnobs({AZDEPLOY_LOGS_POLL_MS: '0'}), /AZDEPLOY_LOGS_POLL_MS='0'/)
  })

  it('are all listed in the README with their defaults', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Runtime knobs'))
    assert.ok(readme.includes('## Runtime knobs'), 'README has a Runtime knobs section')
    for (const k of [...Object.values(NUMBER_KNOBS), ...Object.values(TEXT_KNOBS)]) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${k.env}\``))
      assert.ok(row, `README lists ${k.env}`)
      assert.ok(row.includes(`| ${k.default} |`), `README gives the default of ${k.env}: ${row}`)
    }
  })
})
