import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {assertNoLeaks, findLeaks, registerSecret, secretsOfRun} from '../helpers/secret-scan.js'

describe('the e2e secret scan', () => {
  it('collects the secrets a run is given: credential variables, --env from the environment, credential-named literals', () => {
    registerSecret('registered-by-test-1')
    const secrets = secretsOfRun(
      [
        'up',
        '--app',
        'a',
        '--env',
        'DATABASE_URL',
        '--env',
        'API_KEY=literal-key-1',
        '--env=LOG_LEVEL=info',
        '--',
        '--env',
        'X',
      ],
      {
        AZDEPLOY_REGISTRY_PASSWORD: 'reg-pw-1',
        AZURE_CLIENT_SECRET: 'sp-secret-1',
        DATABASE_URL: 'pg://u:p@h/db',
        X: 'not-ours',
      },
    )
    const byValue = new Map(secrets.map((s) => [s.value, s.label]))
    assert.equal(byValue.get('reg-pw-1'), 'AZDEPLOY_REGISTRY_PASSWORD')
    assert.equal(byValue.get('sp-secret-1'), 'AZURE_CLIENT_SECRET')
    assert.equal(byValue.get('pg://u:p@h/db'), '--env DATABASE_URL (from the environment)')
    assert.equal(byValue.get('literal-key-1'), '--env API_KEY')
    assert.ok(byValue.has('registered-by-test-1'))
    assert.ok(!byValue.has('info'), 'a literal under a plain name is not a secret')
    assert.ok(!byValue.has('not-ours'), 'argv after -- belongs to someone else')
  })

  it('fails a run that printed a secret, naming the secret and the stream', () => {
    const secrets = [
      {label: 'AZDEPLOY_REGISTRY_PASSWORD', value: 'reg-pw-1'},
      {label: '--env API_KEY', value: 'literal-key-1'},
    ]
    const run = {
      stdout: 'ok\nDeployed with literal-key-1 set\n',
      stderr: 'Error (X): registry said reg-pw-1 is wrong\n',
    }
    assert.deepEqual(findLeaks(run, secrets), [
      {label: 'AZDEPLOY_REGISTRY_PASSWORD', stream: 'stderr', line: 'Error (X): registry said <SECRET> is wrong'},
      {label: '--env API_KEY', stream: 'stdout', line: 'Deployed with <SECRET> set'},
    ])
    assert.throws(
      () => assertNoLeaks(run, secrets, 'azdeploy up'),
      (e: Error) =>
        /azdeploy up printed 2 secret/.test(e.message) &&
        /AZDEPLOY_REGISTRY_PASSWORD leaked on stderr/.test(e.message) &&
        /--env API_KEY leaked on stdout/.test(e.message) &&
        !e.message.includes('reg-pw-1') &&
        !e.message.includes('literal-key-1'),
    )
  })

  it('shows no other secret in the line it quotes', () => {
    const secrets = [
      {label: 'A', value: 'secret-aaaa'},
      {label: 'B', value: 'secret-bbbb'},
    ]
    const leaks = findLeaks({stderr: 'x secret-aaaa y secret-bbbb z'}, secrets)
    assert.deepEqual(
      leaks.map((l) => l.line),
      ['x <SECRET> y <OTHER SECRET> z', 'x <OTHER SECRET> y <SECRET> z'],
    )
  })

  it('passes a run whose output holds only the redaction marker', () => {
    const secrets = [{label: 'AZURE_CLIENT_SECRET', value: 'sp-secret-1'}]
    assert.doesNotThrow(() => assertNoLeaks({stdout: '', stderr: 'client_secret=[REDACTED]\n'}, secrets))
  })
})
