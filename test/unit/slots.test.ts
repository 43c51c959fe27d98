// The pure parts of the slot deploy: which plans have slots, what the slot's settings start from, and the refusals
// made before any write.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {resolveDeployConfig} from '../../src/core/config.js'
import type {ActualState} from '../../src/core/model.js'
import {Secret} from '../../src/core/secret.js'
import {checkSlotTarget, slotSettings, slotsSupported} from '../../src/core/slots.js'

const plan = (sku: string, tier?: string) => ({
  id: '/p',
  name: 'api-plan',
  location: 'westeurope',
  sku,
  capacity: 1,
  linux: true,
  ...(tier ? {tier} : {}),
})

function actual(sku: string, tier?: string, site = true): ActualState {
  return {
    plan: plan(sku, tier),
    site: site
      ? {
          id: '/s',
          name: 'api',
          location: 'westeurope',
          kind: 'app,linux,container',
          serverFarmId: '/p',
          httpsOnly: true,
          userAssignedIdentityIds: [],
          tags: {},
        }
      : null,
    siteConfig: null,
    appSettings: null,
  }
}

describe('slot deploy', () => {
  it('slots need Standard or higher', () => {
    for (const [sku, tier] of [
      ['F1', 'Free'],
      ['D1', 'Shared'],
      ['B1', 'Basic'],
      ['B3', undefined],
    ] as const)
      assert.equal(slotsSupported(plan(sku, tier)), false, sku)
    for (const [sku, tier] of [
      ['S1', 'Standard'],
      ['P1v3', 'PremiumV3'],
      ['I1v2', 'IsolatedV2'],
      ['P0v3', undefined],
    ] as const)
      assert.equal(slotsSupported(plan(sku, tier)), true, sku)
  })

  it('refuses a Basic plan naming the slot and SKU, and an app that does not exist', () => {
    assert.throws(
      () => checkSlotTarget('staging', 'api', actual('B1', 'Basic')),
      (e: Error & {code?: string; exitCode?: number}) =>
        e.code === 'SLOTS_NOT_SUPPORTED' && e.exitCode === 2 && /'staging'.*B1/.test(e.message),
    )
    assert.throws(
      () => checkSlotTarget('staging', 'api', actual('S1', 'Standard', false)),
      (e: Error & {code?: string}) => e.code === 'SLOT_NEEDS_APP',
    )
    assert.equal(checkSlotTarget('staging', 'api', actual('S1', 'Standard')).sku, 'S1')
  })

  it("the slot starts from production's settings, the user's win, warm-up set, registry credentials left out", () => {
    const s = slotSettings(
      {KEEP: 'p', OVER: 'old', DOCKER_REGISTRY_SERVER_PASSWORD: 'pw', WEBSITES_PORT: '8080'},
      {OVER: new Secret('new')},
      '/healthz',
    )
    const plain = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.reveal()]))
    assert.deepEqual(plain, {
      KEEP: 'p',
      OVER: 'new',
      WEBSITES_PORT: '8080',
      WEBSITE_SWAP_WARMUP_PING_PATH: '/healthz',
      WEBSITE_SWAP_WARMUP_PING_STATUSES: '200,202,204,301,302,307,308',
    })
    assert.equal(slotSettings({}, {}, undefined).WEBSITE_SWAP_WARMUP_PING_PATH?.reveal(), '/')
  })

  it('--slot comes through the one config definition and is validated', () => {
    const cfg = resolveDeployConfig({app: 'api', slot: 'staging'}, {}, {})
    assert.equal(cfg.slot, 'staging')
    assert.equal(resolveDeployConfig({app: 'api'}, {AZDEPLOY_SLOT: 'blue'}, {}).slot, 'blue')
    assert.equal(resolveDeployConfig({app: 'api'}, {}, {slot: 'green'}).slot, 'green')
    for (const bad of ['production', 'a_b', '-x', 'x-', 'a'.repeat(60)])
      assert.throws(
        () => resolveDeployConfig({app: 'api', slot: bad}, {}, {}),
        (e: Error & {code?: string}) => e.code === 'INVALID_SLOT',
        bad,
      )
  })
})
