// The pure teardown decision (core/teardown.ts): what `down` deletes, keeps (and why), refuses, and which name the
// user must type.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {InputError} from '../../src/core/errors.js'
import {decideTeardown, type TeardownFacts} from '../../src/core/teardown.js'

const SUB = '00000000-0000-0000-0000-000000000001'
const G = `/subscriptions/${SUB}/resourceGroups/rg`
const OURS = {'managed-by': 'azdeploy'}
const PLAN_ID = `${G}/providers/Microsoft.Web/serverfarms/api-plan`

function facts(over: Partial<TeardownFacts> = {}): TeardownFacts {
  return {
    app: 'api',
    resourceGroup: 'rg',
    subscriptionId: SUB,
    deletePlan: false,
    deleteGroup: false,
    site: {id: `${G}/providers/Microsoft.Web/sites/api`, serverFarmId: PLAN_ID},
    identity: {
      id: `${G}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/api-acrpull`,
      name: 'api-acrpull',
      tags: OURS,
    },
    identityUsers: [],
    assignments: [
      {id: 'ra1', name: 'ra1', scope: '/subscriptions/s/resourceGroups/r/providers/x/registries/acr', ours: true},
    ],
    plan: {id: PLAN_ID, name: 'api-plan', resourceGroup: 'rg', tags: OURS},
    planUsers: [],
    ...over,
  }
}

const kinds = (d: {delete: Array<{kind: string}>}) => d.delete.map((i) => i.kind)

function refusal(f: TeardownFacts): InputError {
  try {
    decideTeardown(f)
  } catch (e) {
    assert.ok(e instanceof InputError)
    return e
  }
  assert.fail('expected a refusal')
}

describe('decideTeardown', () => {
  it('plain: app, its AcrPull assignment, identity; plan kept; confirm with the app name', () => {
    const d = decideTeardown(facts())
    assert.deepEqual(kinds(d), ['web-app', 'role-assignment', 'managed-identity'])
    assert.deepEqual(
      d.keep.map((k) => [k.kind, k.reason]),
      [['plan', 'not asked to delete it: pass --plan']],
    )
    assert.deepEqual(d.confirm, {kind: 'web-app', name: 'api'})
  })

  it('--plan: the plan goes last and is the name to type', () => {
    const d = decideTeardown(facts({deletePlan: true}))
    assert.deepEqual(kinds(d), ['web-app', 'role-assignment', 'managed-identity', 'plan'])
    assert.deepEqual(d.confirm, {kind: 'plan', name: 'api-plan'})
  })

  it('keeps an untagged identity, a used one, one holding foreign assignments (with all its assignments)', () => {
    for (const [over, reason] of [
      [{identity: {...facts().identity!, tags: {'managed-by': 'someone'}}}, /not created by azdeploy/],
      [{identityUsers: ['rg2/other']}, /^still used by web app rg2\/other$/],
      [
        {assignments: [...facts().assignments, {id: 'x', name: 'x', scope: '/subscriptions/s', ours: false}]},
        /^holds 1 role assignment azdeploy did not make$/,
      ],
    ] as Array<[Partial<TeardownFacts>, RegExp]>) {
      const d = decideTeardown(facts(over))
      assert.deepEqual(kinds(d), ['web-app'])
      assert.match(d.keep.find((k) => k.kind === 'managed-identity')?.reason ?? '', reason)
      assert.ok(d.keep.some((k) => k.kind === 'role-assignment' && k.name === 'ra1'))
    }
  })

  it('--plan keeps an untagged plan or one other apps use (names cut to four)', () => {
    const users = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `rg/${n}`)
    const d = decideTeardown(facts({deletePlan: true, planUsers: users}))
    assert.equal(
      d.keep.find((k) => k.kind === 'plan')?.reason,
      'still used by web app rg/a, rg/b, rg/c, rg/d and 2 more',
    )
    const u = decideTeardown(facts({deletePlan: true, plan: {...facts().plan!, tags: {}}}))
    assert.ok(!kinds(u).includes('plan'))
  })

  it('no site, --plan: only the tagged plan left by a failed first deploy', () => {
    const d = decideTeardown(facts({site: null, identity: null, assignments: [], deletePlan: true}))
    assert.deepEqual(kinds(d), ['plan'])
    assert.deepEqual(d.confirm, {kind: 'plan', name: 'api-plan'})
    assert.equal(decideTeardown(facts({site: null, identity: null, assignments: [], plan: null})).confirm, undefined)
  })

  it('--delete-resource-group: refused without the app, with foreign resources, with users outside', () => {
    const group = {deleteGroup: true, groupResources: []}
    assert.equal(refusal(facts({...group, site: null})).code, 'APP_NOT_IN_GROUP')
    const foreign = refusal(
      facts({...group, groupResources: [{id: 'k', name: 'vault', type: 'Microsoft.KeyVault/vaults', tags: {}}]}),
    )
    assert.equal(foreign.code, 'GROUP_NOT_AZDEPLOYS')
    assert.match(
      foreign.message,
      /holds 1 resource azdeploy did not create: vault \(Microsoft\.KeyVault\/vaults\); nothing deleted/,
    )
    assert.equal(refusal(facts({...group, identityUsers: ['rg2/other']})).code, 'GROUP_IN_USE')
    assert.equal(refusal(facts({...group, planUsers: ['rg2/other']})).code, 'GROUP_IN_USE')
    // Another azdeploy app inside the same group goes with it (and is named in the prompt).
    const d = decideTeardown(
      facts({
        ...group,
        planUsers: ['rg/other'],
        groupResources: [{id: 's', name: 'other', type: 'Microsoft.Web/sites', tags: OURS}],
      }),
    )
    assert.deepEqual(kinds(d), ['role-assignment', 'resource-group'])
    assert.deepEqual(d.confirm, {kind: 'resource-group', name: 'rg'})
    assert.deepEqual(d.delete[1]?.contains, ['other (Microsoft.Web/sites)'])
  })
})
