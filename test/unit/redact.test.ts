import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {isSecretSettingName, REDACTED, Redactor, redactText} from '../../src/core/redact.js'
import {createReporter} from '../../src/output/reporter.js'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl'

function sink() {
  const chunks: string[] = []
  return {chunks, isTTY: false, write: (s: string) => chunks.push(s) > 0, text: () => chunks.join('')}
}

/** Wall time of fn in ms (best of 3, so a busy machine does not fail a linear redactor). */
function timed(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    fn()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

describe('redactText: credential shapes in free text', () => {
  const cases: Array<[string, string, string]> = [
    ['bearer', 'Authorization: Bearer abcdefghijklmnop', 'abcdefghijklmnop'],
    ['basic', 'authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['JWT', `token ${JWT} here`, JWT],
    [
      'SAS sig in prose',
      'blob at https://x.blob.core.windows.net/c/b?sv=2022&sig=AbC%2Bdef%3D&se=2030 failed',
      'AbC%2Bdef%3D',
    ],
    ['signature=', 'the signature=QmFzZTY0c2ln was rejected', 'QmFzZTY0c2ln'],
    ['skoid=', 'skoid=7d1f-aa&sktid=99', '7d1f-aa'],
    ['access_token=', 'refused access_token=opaque-123.abc;', 'opaque-123.abc'],
    ['refresh_token=', 'grant refresh_token=0.AAAAopaque&x=1', '0.AAAAopaque'],
    ['client_secret=', 'body client_secret=s3cr3t-value', 's3cr3t-value'],
    ['password= in a connection string', 'Server=db;Password=Pa55w0rd!;User Id=app', 'Pa55w0rd!'],
    ['AccountKey=', 'DefaultEndpointsProtocol=https;AccountKey=a2V5a2V5a2V5==;', 'a2V5a2V5a2V5=='],
    ['--password=', 'ran docker login --password=hunter2hunter2 x', 'hunter2hunter2'],
    ['JSON "access_token"', 'body {"access_token": "opaque.value-1", "token_type": "Bearer"}', 'opaque.value-1'],
    ['JSON "refreshToken"', '{"refreshToken":"r-9x8y7z"}', 'r-9x8y7z'],
    ['JSON "password" with an escaped quote', '{"password": "a\\"b-secret"}', 'b-secret'],
    ['JSON "client_secret"', '{"client_secret" : "cs-12345"}', 'cs-12345'],
  ]
  for (const [name, text, secret] of cases) {
    it(`masks ${name}`, () => {
      const out = redactText(text)
      assert.ok(!out.includes(secret), `${secret} survived in ${out}`)
      assert.ok(out.includes(REDACTED), out)
    })
  }

  it('masks a JSON pair quoted inside a JSON string (escaped quotes), and only its value', () => {
    const body = String.raw`{"message":"bad request {\"password\": \"hunter2-x\", \"name\":\"web\", \"access_token\":\"a\\b\"}"}`
    const out = redactText(body)
    assert.ok(!out.includes('hunter2-x') && !out.includes(String.raw`a\\b`), out)
    assert.match(out, /\\"password\\": \\"\[REDACTED\]\\"/)
    assert.match(out, /\\"name\\":\\"web\\"/, 'other keys stay')
    const started = performance.now()
    redactText(String.raw`\"password\":\"`.repeat(20_000))
    assert.ok(performance.now() - started < 1000, 'unterminated pairs stay linear')
  })

  it('keeps what is not a credential', () => {
    for (const text of [
      'Deployed team/app:v2 (sha256:abc) to shop-api at https://shop-api.azurewebsites.net.',
      'use=1 tokens=3 the token was refused; password policy: 8 characters',
      '"token_type": "Bearer" "expires_in": 3599 exit code=5',
      'Error (AZURE_SERVICE_ERROR): The resource group rg-x is being deleted',
    ]) {
      assert.equal(redactText(text), text)
    }
  })
})

describe('Redactor: the run-wide secret set', () => {
  it('masks every registered value, its JSON-escaped and URL-encoded spellings, the longest first', () => {
    const r = new Redactor()
    r.add('p@ss w"rd/1')
    r.add('pass')
    r.add('p@ss w"rd/1-long')
    const text = `a p@ss w"rd/1 b ${JSON.stringify('p@ss w"rd/1')} c ${encodeURIComponent('p@ss w"rd/1')} d p@ss w"rd/1-long e passport`
    const out = r.text(text)
    assert.ok(!out.includes('p@ss') && !out.includes('p%40ss') && !out.includes('pass'), out)
    assert.ok(!out.includes('-long'), `the longer value is masked whole: ${out}`)
    assert.equal(out.split(REDACTED).length - 1, 5, out)
  })

  it('ignores values too short to mask without mangling the text', () => {
    const r = new Redactor()
    r.add('1')
    r.add('on')
    r.add('')
    assert.equal(r.size, 0)
    assert.equal(r.text('port 1 is on'), 'port 1 is on')
  })

  it('scrubs a JSON document string by string, and the value of a secret-named key', () => {
    const r = new Redactor()
    r.add('setting-value-42')
    const doc = {
      error: {message: 'quoted "setting-value-42" and sig=abcdef1234', code: 'X', exitCode: 4},
      list: ['setting-value-42', 7, null, true],
      registry: {password: 'short', username: 'u'},
      at: new Date(0),
    }
    const text = r.stringify(doc, 2)
    const parsed = JSON.parse(text) as typeof doc & {at: string}
    assert.ok(!text.includes('setting-value-42') && !text.includes('abcdef1234') && !text.includes('short'), text)
    assert.equal(parsed.error.code, 'X')
    assert.equal(parsed.error.exitCode, 4)
    assert.deepEqual(parsed.list, [REDACTED, 7, null, true])
    assert.equal(parsed.registry.username, 'u')
    assert.equal(parsed.at, '1970-01-01T00:00:00.000Z')
  })

  it('feeds the reporter: a masked value never reaches stderr or the result, in every mode', async () => {
    for (const json of [false, true]) {
      const r = new Redactor()
      const err = sink()
      const out = sink()
      const rep = createReporter({json, verbose: true, env: {}, stderr: err, stdout: out, redactor: r})
      rep.mask('reg-pass-123456')
      rep.warn('registry said: wrong password reg-pass-123456')
      rep.debug('GET /v2/ → 401 reg-pass-123456')
      rep.info('info reg-pass-123456')
      await rep.stage('Push', async (update) => update('reg-pass-123456'))
      rep.result(['done with reg-pass-123456'])
      const all = err.text() + out.text()
      assert.ok(!all.includes('reg-pass-123456'), all)
      assert.ok(all.includes(REDACTED), all)
      assert.ok(r.text('x reg-pass-123456').includes(REDACTED), 'the command base shares the same set')
    }
  })

  it('names credential-like settings only', () => {
    for (const n of ['DB_PASSWORD', 'API_KEY', 'GITHUB_TOKEN', 'STORAGE_CONNECTION_STRING', 'CLIENT_SECRET']) {
      assert.ok(isSecretSettingName(n), n)
    }
    for (const n of ['LOG_LEVEL', 'NODE_ENV', 'PORT', 'REGION']) assert.ok(!isSecretSettingName(n), n)
  })
})

describe('redaction is linear on long lines', () => {
  // Each of these made the previous patterns rescan the same run from every start: 160 KB took ~10 s.
  const hostile = (n: number) => [
    'eyJ-'.repeat(n / 4),
    'eyJaaaaa.'.repeat(n / 9),
    'a-'.repeat(n / 2),
    'x_'.repeat(n / 2),
    'Bearer '.repeat(n / 7),
    '"access_token": "'.repeat(n / 17),
    `${'sig='.repeat(n / 8)}${'b'.repeat(n / 2)}`,
    'k'.repeat(n),
  ]

  it('redacts each 200 KB and 2 MB hostile line in well under a second', () => {
    const r = new Redactor()
    for (let i = 0; i < 20; i++) r.add(`registered-secret-value-${i}`)
    for (const n of [200_000, 2_000_000]) {
      for (const line of hostile(n)) {
        const ms = timed(() => r.text(line))
        assert.ok(ms < 1000, `${line.slice(0, 12)}… (${line.length} chars) took ${Math.round(ms)} ms`)
      }
    }
  })

  it('grows linearly: 10× the line costs far less than 100× the time', () => {
    const r = new Redactor()
    r.add('registered-secret-value')
    for (const make of [(n: number) => 'eyJ-'.repeat(n / 4), (n: number) => `${JWT} `.repeat(n / 56)]) {
      const small = timed(() => r.text(make(200_000)))
      const large = timed(() => r.text(make(2_000_000)))
      assert.ok(large < Math.max(small, 5) * 40, `200 KB ${small.toFixed(1)} ms, 2 MB ${large.toFixed(1)} ms`)
    }
  })
})
