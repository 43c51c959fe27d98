import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {CONFIG_KEYS} from '../../src/core/config.js'

describe('config schema', () => {
  it('lists exactly the keys the config loader accepts', () => {
    const url = new URL('../../../schemas/azdeploy.schema.json', import.meta.url)
    const schema = JSON.parse(readFileSync(url, 'utf8')) as {properties: Record<string, unknown>}
    const keys = Object.keys(schema.properties)
      .filter((k) => k !== '$schema')
      .sort()
    assert.deepEqual(keys, [...CONFIG_KEYS].sort())
  })
})
