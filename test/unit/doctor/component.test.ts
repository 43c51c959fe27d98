// doctor/ is a self-contained component: one public entry, and its end-of-life table says how old it is.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {EOL_DATA_CHECKED, eolDataNotice, formatFindings, internals, useColor} from '../../../src/doctor/index.js'
import {diagnose} from '../../../src/services/diagnose.js'

// build/test/unit/doctor/component.test.js → <repo>
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(n) ? [p] : []
  })
}

describe('doctor component', () => {
  it('nothing outside src/doctor imports a file of it other than doctor/index.js', () => {
    const offenders: string[] = []
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'test'))]) {
      const rel = relative(ROOT, file)
      if (rel.startsWith('src/doctor/')) continue
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']*\/doctor\/[^']*)'/g))
        if (!/\/doctor\/index\.js$/.test(m[1]!)) offenders.push(`${rel}: ${m[1]}`)
    }
    assert.deepEqual(offenders, [])
  })

  it('inner files of src/doctor import nothing outside it (no I/O, no core, no adapters)', () => {
    const offenders: string[] = []
    for (const file of sources(join(ROOT, 'src', 'doctor')))
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s*'([^']*)'/g)) {
        const spec = m[1]!
        if (spec.startsWith('.') && !join(file, '..', spec).startsWith(join(ROOT, 'src', 'doctor')))
          offenders.push(`${relative(ROOT, file)}: ${spec}`)
        if (spec.startsWith('node:')) offenders.push(`${relative(ROOT, file)}: ${spec}`)
      }
    assert.deepEqual(offenders, [])
  })
})

describe('end-of-life table age', () => {
  it('is silent up to 6 months after the check date and says so afterwards', () => {
    const {addMonths} = internals
    assert.equal(addMonths('2026-11-28', 6), '2027-05-28')
    assert.equal(addMonths('2026-08-31', 6), '2027-02-28')
    const sixMonths = addMonths(EOL_DATA_CHECKED, 6)
    assert.equal(eolDataNotice(EOL_DATA_CHECKED), undefined)
    assert.equal(eolDataNotice(sixMonths), undefined)
    const later = new Date(Date.parse(sixMonths) + 86_400_000).toISOString().slice(0, 10)
    assert.match(eolDataNotice(later) ?? '', new RegExp(`last checked on ${EOL_DATA_CHECKED}, more than 6 months ago`))
  })

  it('diagnose adds the notice only when the table is old, with today taken from its input', () => {
    const files = {
      isDirectory: (p: string) => p === '/w',
      exists: (p: string) => p === '/w/Dockerfile',
      read: () => 'FROM python:3.13-slim\nUSER app\nEXPOSE 8000\nCMD ["gunicorn", "-b", ":8000", "a:b"]\n',
    }
    const at = (today: string) => diagnose({path: '.', cwd: '/w', explicitPath: false, today}, files)
    assert.equal(at('2026-12-01').notices, undefined)
    assert.equal(at('2030-01-01').notices?.length, 1)
  })
})

describe('severity colours', () => {
  const f = [
    {rule: 'listen/loopback', severity: 'error' as const, line: 3, message: 'm', fix: 'x'},
    {rule: 'image/root', severity: 'warning' as const, line: 4, message: 'm', fix: 'x'},
    {rule: 'logs/files', severity: 'info' as const, line: 5, message: 'm', fix: 'x'},
  ]
  it('are used only for a person at a terminal without NO_COLOR', () => {
    assert.equal(useColor({mode: 'human', stdoutIsTTY: true, env: {}}), true)
    assert.equal(useColor({mode: 'human', stdoutIsTTY: true, env: {NO_COLOR: '1'}}), false)
    assert.equal(useColor({mode: 'human', stdoutIsTTY: true, env: {TERM: 'dumb'}}), false)
    assert.equal(useColor({mode: 'human', stdoutIsTTY: false, env: {}}), false)
    assert.equal(useColor({mode: 'ci', stdoutIsTTY: true, env: {}}), false)
    assert.equal(useColor({mode: 'json', stdoutIsTTY: true, env: {}}), false)
  })
  it('paint the title and rule id, and plain text is unchanged', () => {
    const plain = formatFindings(f)
    const painted = formatFindings(f, {color: true})
    assert.match(painted, /\u001b\[1;31mErrors \(1\)\u001b\[0m/)
    assert.match(painted, /\u001b\[31mlisten\/loopback\u001b\[0m/)
    assert.match(
      painted,
      /\u001b\[1;33mWarnings \(1\)\u001b\[0m[\s\S]*\u001b\[33mimage\/root\u001b\[0m/,
      'warnings yellow',
    )
    assert.match(painted, /\u001b\[1;2mNotes \(1\)\u001b\[0m[\s\S]*\u001b\[2mlogs\/files\u001b\[0m/, 'notes dim')
    assert.equal(painted.replace(/\u001b\[[0-9;]*m/g, ''), plain)
    assert.doesNotMatch(plain, /\u001b/)
  })
})
