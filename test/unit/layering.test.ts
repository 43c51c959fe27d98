// The import direction is enforced by `npm run lint` (dependency-cruiser, .dependency-cruiser.cjs): a wrong-way
// import fails it. Here the same rules run over a small fixture tree with two wrong-way imports, and over src/.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const bin = `${root}node_modules/.bin/depcruise`
const cruise = (cwd: string) =>
  spawnSync(bin, ['src', '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'err', '--no-progress'], {
    cwd,
    encoding: 'utf8',
  })

describe('import direction', () => {
  it('fails on a wrong-way import, naming the rule and the files', () => {
    const r = cruise(`${root}test/fixtures/layering`)
    assert.notEqual(r.status, 0)
    assert.match(r.stdout, /core-imports: src\/core\/bad\.ts → src\/adapters\/x\.ts/)
    assert.match(r.stdout, /services-imports: src\/services\/bad\.ts → src\/adapters\/x\.ts/)
  })
})
