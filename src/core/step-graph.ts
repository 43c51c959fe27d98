/**
 * The order of a plan's writes, declared as data: each step kind names the kinds that must be done before it.
 * Only dependencies present in the plan count; everything else runs in parallel. Pure: the applier schedules it.
 */
import type {Plan, Step, StepKind} from './plan.js'

const SITE_PREREQUISITES: StepKind[] = [
  'create-resource-group',
  'create-plan',
  'update-plan',
  'create-identity',
  'assign-acr-pull',
]

export const STEP_DEPENDENCIES: Readonly<Record<StepKind, readonly StepKind[]>> = {
  'create-resource-group': [],
  'create-plan': ['create-resource-group'],
  'update-plan': [],
  'create-identity': ['create-resource-group'],
  // The role goes to the identity's principal, which exists only once the identity does.
  'assign-acr-pull': ['create-identity'],
  // The site's first pull must find the plan, the identity and its pull role in place.
  'create-site': SITE_PREREQUISITES,
  'update-site': SITE_PREREQUISITES,
}

/** The steps of `plan` that `step` waits for. */
export function prerequisitesOf(step: Step, plan: Plan): Step[] {
  const kinds = STEP_DEPENDENCIES[step.kind]
  return plan.steps.filter((s) => s !== step && kinds.includes(s.kind))
}

/** Steps grouped in waves: every step of a wave depends only on earlier waves (for display and tests). */
export function waves(plan: Plan): Step[][] {
  const done = new Set<Step>()
  const out: Step[][] = []
  let left = [...plan.steps]
  while (left.length > 0) {
    const ready = left.filter((s) => prerequisitesOf(s, plan).every((p) => done.has(p)))
    if (ready.length === 0) throw new Error(`cycle in step dependencies: ${left.map((s) => s.kind).join(', ')}`)
    for (const s of ready) done.add(s)
    out.push(ready)
    left = left.filter((s) => !done.has(s))
  }
  return out
}
