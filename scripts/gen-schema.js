#!/usr/bin/env node
// Writes schemas/azdeploy.schema.json from the compiled config definition (dist/core/config-schema.js), then
// formats it with Biome. Run `npm run schema` after changing src/core/config-definition.ts; test/unit/schema.test.ts
// fails while the committed file differs from what this produces.
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {configJsonSchema} = await import(join(root, 'dist', 'core', 'config-schema.js'))
const out = join(root, 'schemas', 'azdeploy.schema.json')
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', out], {stdio: 'ignore'})
console.log(`wrote ${out}`)
