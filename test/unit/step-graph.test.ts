import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {Plan, Step} from '../../src/core/plan.js'
import {prerequisitesOf, STEP_DEPENDENCIES, waves} from '../../src/core/step-graph.js'

const site = {resourceGroup: 'rg', site: 'api'}
const step = (kind: Step['kind']): Step => ({kind, reason: 'test'}) as unknown as Step & {site: typeof site}
const plan = (...kinds: Step['kind'][]): Plan => ({
  steps: kinds.map((k) => ({...step(k), ...(k.includes('site') || k.includes('settings') ? {site} : {})}) as Step),
  restarts: false,
  warnings: [],
})
const kinds = (w: Step[][]) => w.map((s) => s.map((x) => x.kind).sort())

describe('step graph', () => {
  it('orders a new app: group → plan ‖ identity → role → site', () => {
    const p = plan('create-site', 'assign-acr-pull', 'create-identity', 'create-plan', 'create-resource-group')
    assert.deepEqual(kinds(waves(p)), [
      ['create-resource-group'],
      ['create-identity', 'create-plan'],
      ['assign-acr-pull'],
      ['create-site'],
    ])
  })
  it('an existing app is one site write, after the plan and the pull role', () => {
    const p = plan('update-site', 'update-plan', 'assign-acr-pull')
    assert.deepEqual(kinds(waves(p)), [['assign-acr-pull', 'update-plan'], ['update-site']])
  })
  it('counts only dependencies present in the plan', () => {
    const p = plan('assign-acr-pull', 'update-site')
    const cfg = p.steps[1]!
    assert.deepEqual(
      prerequisitesOf(cfg, p).map((s) => s.kind),
      ['assign-acr-pull'],
    )
    assert.deepEqual(prerequisitesOf(p.steps[0]!, p), [])
  })
  it('has no cycle among all step kinds', () => {
    const all = plan(...(Object.keys(STEP_DEPENDENCIES) as Step['kind'][]))
    assert.equal(waves(all).flat().length, all.steps.length)
  })
})
