import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {CONFIG_KEYS, checkConfigFile} from '../../src/core/config.js'
import {CONFIG_DEFINITION} from '../../src/core/config-definition.js'
import {configJsonSchema} from '../../src/core/config-schema.js'

type Schema = {properties: Record<string, {type: string | string[]; enum?: string[]; default?: unknown}>}
const committed = (): Schema =>
  JSON.parse(readFileSync(new URL('../../../schemas/azdeploy.schema.json', import.meta.url), 'utf8')) as Schema

describe('config schema', () => {
  it('is what `npm run schema` generates from the config definition (run it after changing the definition)', () => {
    assert.deepEqual(committed(), configJsonSchema())
  })

  it('lists exactly the keys the config loader accepts', () => {
    const keys = Object.keys(committed().properties)
      .filter((k) => k !== '$schema')
      .sort()
    assert.deepEqual(keys, [...CONFIG_KEYS].sort())
  })

  it('gives each key the type the loader checks', () => {
    const props = configJsonSchema().properties as Schema['properties']
    const sample = {string: 'x', integer: 1, object: {A: 'b'}} as const
    for (const key of CONFIG_KEYS) {
      const type = props[key]?.type as keyof typeof sample
      assert.ok(type in sample, `${key}: unexpected schema type ${String(type)}`)
      assert.deepEqual(checkConfigFile({[key]: sample[type]}, 'f.yml'), {[key]: sample[type]}, key)
      for (const other of Object.keys(sample) as (keyof typeof sample)[]) {
        if (other !== type) assert.throws(() => checkConfigFile({[key]: sample[other]}, 'f.yml'), /f\.yml/, key)
      }
    }
  })

  it('carries the defaults and choices of the definition', () => {
    const props = configJsonSchema().properties as Schema['properties']
    assert.equal(props['sku']?.default, 'B1')
    assert.equal(props['timeout']?.default, 300)
    assert.deepEqual(props['cloud']?.enum, ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'])
    assert.ok(props['sku']?.enum?.includes('P0v3') && props['sku'].enum.includes('P1mv3'))
    for (const [key, d] of Object.entries(CONFIG_DEFINITION)) {
      assert.equal(
        d.flag,
        key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
        `${key}: the flag is the kebab-case key`,
      )
    }
  })
})
