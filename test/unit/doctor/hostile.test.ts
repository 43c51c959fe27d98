// Hostile and oversized input: every case finishes well within a time bound (a test of "not hanging", measured
// per case), deep ${…} nesting does not overflow the stack, and the caps are one clear error naming the cap.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {
  analyzeDockerfile,
  analyzeImageOnly,
  DockerfileLimitError,
  internals,
  MAX_DOCKERFILE_BYTES,
  MAX_INSTRUCTION_CHARS,
  MAX_INSTRUCTIONS,
} from '../../../src/doctor/index.js'
import {diagnose} from '../../../src/services/diagnose.js'

// Alone, the slowest case takes under 1 s (most well under 0.3 s). The bound is a hang detector, not a speed
// target (speed is the bench's job): it leaves room for a heavily loaded machine, and the super-linear cases it
// guards against took 37 s to minutes before the fixes.
const BOUND_MS = 15_000
const TODAY = '2026-11-28'
/** Just under the per-instruction cap. */
const LONG = MAX_INSTRUCTION_CHARS - 200
const fill = (unit: string, chars = LONG) => unit.repeat(Math.floor(chars / unit.length))
const nest = (depth: number) => `${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}`

const CASES: Record<string, string> = {
  // The one that was cubic: 24 KB took 37 s.
  'apt … install … repeated, nginx started': `FROM debian:12\nRUN ${fill('apt install ')}\nCMD nginx\n`,
  'apt add repeated, exec-form nginx': `FROM debian:12\nRUN ${fill('apt add ')}\nCMD ["nginx"]\n`,
  'apt-get install with many flags': `FROM debian:12\nRUN apt-get ${fill('-y ')}install\nCMD x\n`,
  'pip install repeated': `FROM python:3.12\nRUN ${fill('pip install ')}\n`,
  'a long shell CMD': `FROM debian:12\nCMD ${fill('a ')}\n`,
  'many redirections': `FROM debian:12\nCMD ${fill('a>b ')}\n`,
  'many background jobs': `FROM debian:12\nCMD ${fill('a & ')}\n`,
  'many subshells': `FROM debian:12\nCMD ${fill('( ')}\n`,
  'nested sh -c': `FROM debian:12\nCMD ${fill('sh -c ')}x\n`,
  'unterminated quotes': `FROM debian:12\nCMD ${fill('"')}\n`,
  'unterminated ${': `FROM debian:12\nCMD ${fill('${')}\n`,
  'unterminated $(': `FROM debian:12\nCMD ${fill('$(')}\n`,
  'deep ${A:-${A:-…}} in CMD': `FROM debian:12\nCMD echo ${nest(Math.floor(LONG / 6))}\n`,
  'deep ${A:-${A:-…}} in ENV': `FROM debian:12\nENV X=${nest(Math.floor(LONG / 6))}\nCMD ["x"]\n`,
  'deep ${A:-${A:-…}} in FROM': `ARG B=${nest(Math.floor(LONG / 6))}\nFROM $B\n`,
  'a long exec-form CMD with $VARs': `FROM debian:12\nCMD [${fill('"$a",')}"x"]\n`,
  'a long gunicorn bind list': `FROM python:3.12\nENV GUNICORN_CMD_ARGS="${fill('-b ')}"\nCMD gunicorn\n`,
  'a long ASPNETCORE_URLS': `FROM debian:12\nENV ASPNETCORE_URLS=${fill('http://a:')}\n`,
  'a long listen address': `FROM debian:12\nCMD gunicorn -b [${fill(':')}\n`,
  'secret-looking values': `FROM debian:12\nENV A_B=${fill('-----BEGIN ')}\n`,
  'ADD with many sources': `FROM debian:12\nADD ${fill('a ')} /x\n`,
  'a huge continuation chain': `FROM debian:12\nRUN a \\\n${fill('  b \\\n')} c\nCMD x\n`,
  'many instructions': `FROM debian:12\n${'RUN apt-get install -y nginx\n'.repeat(MAX_INSTRUCTIONS - 10)}CMD nginx\n`,
  'many EXPOSE ranges': `FROM debian:12\n${'EXPOSE 1-65535\n'.repeat(MAX_INSTRUCTIONS - 10)}CMD nginx\n`,
  'many ENV referring to each other': `FROM debian:12\n${Array.from({length: MAX_INSTRUCTIONS - 10}, (_, i) => `ENV A${i}=\${A${i - 1}:-x}\n`).join('')}CMD x\n`,
  'many stages': `${Array.from({length: MAX_INSTRUCTIONS - 10}, (_, i) => `FROM debian:12 AS s${i}\n`).join('')}CMD ["x"]\n`,
  'a long chain of stages': `FROM debian:12 AS s0\n${Array.from({length: (MAX_INSTRUCTIONS - 10) / 2}, (_, i) => `FROM s${i} AS s${i + 1}\nRUN x\n`).join('')}CMD ["x"]\n`,
  'a 1 MiB comment block': `FROM debian:12\n${`# ${'x'.repeat(60_000)}\n`.repeat(16)}CMD x\n`,
}

function timed<T>(fn: () => T): {value: T; ms: number} {
  const t = performance.now()
  const value = fn()
  return {value, ms: performance.now() - t}
}

describe('doctor on hostile input', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name} (${Math.round(text.length / 1024)} KiB) finishes within ${BOUND_MS} ms`, () => {
      const {ms} = timed(() => analyzeDockerfile(text, {today: TODAY}))
      assert.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(0)} ms`)
    })
  }

  it('keeps $-brace defaults nested deeper than the bound as written (no stack overflow)', () => {
    const D = '$'
    const {expandVars, MAX_EXPANSION_DEPTH} = internals
    assert.equal(
      expandVars(`${D}{A:-${D}{B:-x}}`, () => undefined),
      'x',
    )
    const deep = nest(MAX_EXPANSION_DEPTH + 1)
    const out = expandVars(deep, () => undefined)
    assert.ok(out.includes(`${D}{A:-x}`), 'the innermost level past the bound stays literal')
    assert.ok(!out.includes(`${D}{A:-${D}{`), 'levels within the bound are expanded')
    assert.doesNotThrow(() => expandVars(nest(200_000), () => undefined))
  })

  it("an image config's env and start command cannot hang or crash the image check `up` runs", () => {
    // 20000 levels overflowed the stack before the depth bound.
    const deep = nest(20_000)
    const image = {
      exposedPorts: [8080],
      platforms: ['linux/amd64'],
      env: {X: deep, GUNICORN_CMD_ARGS: '-b '.repeat(20_000)},
      cmd: ['sh', '-c', `echo ${deep} ${'a>b & '.repeat(10_000)}`],
    }
    const {ms} = timed(() => analyzeImageOnly(image, {configuredPort: 8080}))
    assert.ok(ms < BOUND_MS, `${ms.toFixed(0)} ms`)
  })

  it('refuses a Dockerfile past a cap with one error naming the cap', () => {
    const refused = (text: string, limit: string, re: RegExp) =>
      assert.throws(
        () => analyzeDockerfile(text, {today: TODAY}),
        (e: unknown) => e instanceof DockerfileLimitError && e.limit === limit && re.test(e.message),
      )
    refused(`FROM a\n# ${'x'.repeat(MAX_DOCKERFILE_BYTES)}\n`, 'size', /up to 1\.0 MiB/)
    refused(`FROM a\n${'RUN x\n'.repeat(MAX_INSTRUCTIONS)}`, 'instructions', /up to 10000 instructions/)
    refused(
      `FROM a\nRUN a \\\n${'b \\\n'.repeat(MAX_INSTRUCTION_CHARS / 4)}c\n`,
      'instruction-length',
      /line 2: .*64 KiB/,
    )
    // Multi-byte characters count as the bytes they take.
    refused(`FROM a\n# ${'é'.repeat(MAX_DOCKERFILE_BYTES / 2 + 10)}\n`, 'size', /1\.0 MiB/)
  })

  it('diagnose turns a cap into an InputError naming the file, before reading an oversized one', () => {
    let read = false
    const files = {
      isDirectory: (p: string) => p === '/w',
      exists: (p: string) => p === '/w/Dockerfile',
      read: () => {
        read = true
        return ''
      },
      size: () => 5 * 1024 * 1024,
    }
    assert.throws(
      () => diagnose({path: '.', cwd: '/w', explicitPath: false, today: TODAY}, files),
      (e: Error & {code?: string; hint?: string}) =>
        e.code === 'DOCKERFILE_TOO_LARGE' &&
        /^Dockerfile is 5\.0 MiB; doctor reads Dockerfiles up to 1\.0 MiB$/.test(e.message) &&
        Boolean(e.hint),
    )
    assert.equal(read, false)
    const many = {...files, size: () => 100, read: () => `FROM a\n${'RUN x\n'.repeat(MAX_INSTRUCTIONS)}`}
    assert.throws(
      () => diagnose({path: '.', cwd: '/w', explicitPath: false, today: TODAY}, many),
      (e: Error & {code?: string}) =>
        e.code === 'DOCKERFILE_TOO_LARGE' && /^Dockerfile has 10001 instructions/.test(e.message),
    )
  })
})
