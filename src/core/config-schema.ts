/**
 * The JSON Schema of azdeploy.yml, made from the config definition. `npm run schema` writes it to
 * schemas/azdeploy.schema.json; test/unit/schema.test.ts fails when the committed file differs. Pure.
 */
import {CONFIG_DEFINITION, type ConfigKeyDefinition, MAX_SETTINGS} from './config-definition.js'

type JsonSchema = Record<string, unknown>

function property(d: ConfigKeyDefinition): JsonSchema {
  const text = d.fileSummary ?? d.summary
  const dflt = d.default ?? d.defaultText
  const description = dflt === undefined ? text : `${text} Default: ${dflt}.`
  if (d.type === 'settings') {
    return {
      type: 'object',
      description,
      propertyNames: {pattern: d.pattern, maxLength: d.maxLength},
      additionalProperties: {type: ['string', 'number', 'boolean', 'null']},
      maxProperties: MAX_SETTINGS,
    }
  }
  const out: JsonSchema = {type: d.type, description}
  if (d.pattern !== undefined) out['pattern'] = d.pattern
  if (d.maxLength !== undefined) out['maxLength'] = d.maxLength
  if (d.minimum !== undefined) out['minimum'] = d.minimum
  if (d.maximum !== undefined) out['maximum'] = d.maximum
  if (d.enum !== undefined) out['enum'] = [...d.enum]
  if (d.default !== undefined) out['default'] = d.default
  return out
}

export function configJsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {$schema: {type: 'string'}}
  for (const [key, d] of Object.entries(CONFIG_DEFINITION)) properties[key] = property(d)
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://azdeploy.dev/schemas/azdeploy.schema.json',
    title: 'azdeploy.yml',
    description:
      'Settings for `azdeploy up`, `status`, `logs`, `down` and `doctor`. Flags override AZDEPLOY_* environment variables, which override this file. Generated from src/core/config-definition.ts by `npm run schema`.',
    type: 'object',
    additionalProperties: false,
    properties,
  }
}
