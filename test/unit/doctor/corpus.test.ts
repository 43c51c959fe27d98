import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {type AnalyzeContext, analyzeDockerfile, RULES} from '../../../src/doctor/index.js'

// build/test/unit/doctor/corpus.test.js → <repo>/test/fixtures/dockerfiles
const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/dockerfiles/', import.meta.url))
export const TODAY = '2026-11-28'

interface Expected {
  rule: string
  severity: string
  line?: number
}

export function loadCase(name: string): {text: string; ctx: AnalyzeContext; expected: Expected[]} {
  const dir = `${CORPUS}${name}/`
  const text = readFileSync(`${dir}Dockerfile`, 'utf8')
  const extra = existsSync(`${dir}context.json`)
    ? (JSON.parse(readFileSync(`${dir}context.json`, 'utf8')) as AnalyzeContext)
    : {}
  // The fixture directory is the build context: copied files (nginx.conf …) are read from it.
  const readContextFile = (p: string) => (existsSync(`${dir}${p}`) ? readFileSync(`${dir}${p}`, 'utf8') : undefined)
  const ctx: AnalyzeContext = {
    hasDockerignore: existsSync(`${dir}.dockerignore`),
    today: TODAY,
    readContextFile,
    ...extra,
  }
  const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as Expected[]
  return {text, ctx, expected}
}

const cases = readdirSync(CORPUS).sort()

describe('doctor corpus', () => {
  for (const name of cases) {
    it(name, () => {
      const {text, ctx, expected} = loadCase(name)
      const actual = analyzeDockerfile(text, ctx).map((f) => {
        const e: Expected = {rule: f.rule, severity: f.severity}
        if (f.line !== undefined) e.line = f.line
        return e
      })
      assert.deepEqual(actual, expected)
    })
  }

  it('has at least 12 cases, clean ones among them', () => {
    assert.ok(cases.length >= 12)
    const clean = cases.filter((c) => loadCase(c).expected.length === 0)
    assert.ok(clean.length >= 5, `clean cases: ${clean.join(', ')}`)
  })

  it('every finding has a message and a fix, and a documented rule id and severity', () => {
    for (const name of cases) {
      const {text, ctx} = loadCase(name)
      for (const f of analyzeDockerfile(text, ctx)) {
        const info = RULES.find((r) => r.id === f.rule)
        assert.ok(info, `${name}: ${f.rule} is not in RULES`)
        assert.equal(f.severity, info.severity, `${name}: ${f.rule}`)
        assert.ok(f.message.length > 10 && f.fix.length > 5, `${name}: ${f.rule}`)
      }
    }
  })
})
