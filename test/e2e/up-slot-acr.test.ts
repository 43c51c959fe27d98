// `up --slot` with an ACR image: the slot gets the app's user-assigned pull identity attached (a slot has its own
// identities) and pulls with it; the identity's single AcrPull assignment serves production and slot alike.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {e2eWorld} from '../helpers/run-cli.js'
import {assertExit, mustSite, requestLog} from './e2e-common.js'

const world = e2eWorld({acrFront: true})
const lower = (s: string) => s.toLowerCase()

describe('azdeploy up --slot: ACR pull identity', () => {
  test('the slot is created with the pull identity and its client id in siteConfig, then swapped', async () => {
    const {em} = world
    em.state.addRegistry({rg: 'rg-registry', name: 'slotacr', loginServer: world.acr.host})
    const app = world.name('slotacr')
    const rg = `rg-${app}`
    const base = ['up', '--app', app, '-g', rg, '-l', 'westeurope', '--port', '8080']
    assertExit(await world.cli([...base, '--image', `${world.acr.host}/team/app:single`, '--sku', 'S1']), 0)
    const ident = [...em.state.identities.values()].find((i) => lower(i.name) === `${app}-acrpull`)
    assert.ok(ident, 'pull identity created')
    em.resetLog()
    const r = await world.cli([...base, '--image', `${world.acr.host}/team/app:v2`, '--slot', 'staging'])
    assertExit(r, 0)
    const slot = em.site(app, 'staging')
    assert.ok(slot, `slot created\n${requestLog(em)}`)
    assert.deepEqual(
      Object.keys(slot.identity?.userAssignedIdentities ?? {}).map(lower),
      [lower(ident.id)],
      'the pull identity is attached to the slot',
    )
    assert.equal(slot.config.acrUseManagedIdentityCreds, true)
    assert.equal(slot.config.acrUserManagedIdentityID, ident.clientId)
    const assignments = [...em.state.roleAssignments.values()].filter(
      (a) => lower(a.principalId) === lower(ident.principalId),
    )
    assert.equal(assignments.length, 1, 'one AcrPull assignment, reused for the slot')
    const prod = mustSite(em, rg, app)
    assert.equal(prod.runtime.servingImage, `DOCKER|${world.acr.host}/team/app@${world.images.v2.digest}`)
  })
})
