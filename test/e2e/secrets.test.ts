// Secrets in error text: an ARM error body quoting the run's secrets (an app-setting value from the environment, a
// literal credential-named setting, the registry password, a SAS signature, an opaque access token) reaches no
// stream in any mode (plain, --json, --verbose): the run-wide redactor masks it at the output boundary.
import assert from 'node:assert/strict'
import {afterEach, describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf, PRIVATE_AUTH} from '../helpers/run-cli.js'
import {assertExit, type ErrorDoc, upArgs} from './e2e-common.js'

const world = e2eWorld({privateRegistry: true})

const FROM_ENV = 'postgres://app:env-setting-secret-5b1e@db.internal/shop'
const LITERAL_KEY = 'literal-api-key-9c3d7f'
const SAS_SIG = 'Zm9vYmFyU2lnbmF0dXJl%2B%3D'
const OPAQUE = 'opaque-access-4f8a2c91'

function quotingFault(app: string) {
  return {
    method: 'PUT',
    pathIncludes: '/serverfarms/',
    status: 400,
    body: {
      error: {
        code: 'InvalidTemplateDeployment',
        message: `Setting DATABASE_URL='${FROM_ENV}' API_KEY=${LITERAL_KEY} for ${app}; registry password '${PRIVATE_AUTH.password}' rejected at https://x.blob.core.windows.net/c?sv=2024-01-01&se=2030-01-01&sig=${SAS_SIG} with access_token=${OPAQUE}.`,
      },
    },
    times: Number.POSITIVE_INFINITY,
  }
}

const SECRETS = {setting: FROM_ENV, literal: LITERAL_KEY, password: PRIVATE_AUTH.password, sig: SAS_SIG, token: OPAQUE}

describe('secrets in error text', () => {
  afterEach(() => world.em.clearFaults())

  for (const mode of ['plain', '--json', '--verbose', '--json --verbose']) {
    test(`an ARM error quoting every secret of the run shows none of them (${mode})`, async () => {
      const app = world.name('quoted')
      world.em.addFault(quotingFault(app))
      const extra = mode === 'plain' ? [] : mode.split(' ')
      const r = await world.cli(
        [
          ...upArgs(app, `${world.privateRegistry.host}/team/app:v2`),
          '--registry-username',
          PRIVATE_AUTH.username,
          '--env',
          'DATABASE_URL',
          '--env',
          `API_KEY=${LITERAL_KEY}`,
          ...extra,
        ],
        {env: {AZDEPLOY_REGISTRY_PASSWORD: PRIVATE_AUTH.password, DATABASE_URL: FROM_ENV}},
      )
      assertExit(r, 4)
      for (const [what, value] of Object.entries(SECRETS)) {
        assert.ok(!r.stdout.includes(value), `stdout shows the ${what}\n${describeRun(r)}`)
        assert.ok(!r.stderr.includes(value), `stderr shows the ${what}\n${describeRun(r)}`)
      }
      assert.match(r.stderr, /^Error \([A-Z_]+\): .*\[REDACTED\]/m, describeRun(r))
      if (mode.includes('--json')) {
        const doc = jsonOf<ErrorDoc>(r)
        assert.ok(doc.error.message.includes('[REDACTED]'), doc.error.message)
        assert.ok(doc.error.message.includes(`for ${app}`), 'the rest of the message is kept')
      }
      if (mode.includes('--verbose')) assert.match(r.stderr, /debug: PUT /, 'the trace was printed')
    })
  }
})
