/**
 * Apply phase: one executor per step kind, run as soon as the steps it depends on (core/step-graph.ts) are done,
 * independent writes in parallel, one write per resource.
 */
import type {Plan, Step} from '../core/plan.js'
import {prerequisitesOf} from '../core/step-graph.js'
import {type ApplyContext, type ApplyResult, type ApplyState, EXECUTORS, type Executor} from './executors.js'

export type {ApplyContext, ApplyResult, ApplyState, Executor}

export async function applyPlan(plan: Plan, c: ApplyContext): Promise<ApplyResult> {
  const result: ApplyResult = {writes: 0}
  const state: ApplyState = {
    identity: c.actual.identity ?? undefined,
    result,
    count: (p) =>
      p.then((v) => {
        result.writes++
        return v
      }),
  }
  const started = new Map<Step, Promise<void>>()
  const run = (step: Step): Promise<void> => {
    let p = started.get(step)
    if (!p) {
      const before = prerequisitesOf(step, plan)
      p = Promise.all(before.map(run)).then(() => {
        c.signal.throwIfAborted()
        return (EXECUTORS[step.kind] as Executor)(step, c, state)
      })
      started.set(step, p)
    }
    return p
  }
  await Promise.all(plan.steps.map(run))
  if (!result.defaultHostName && c.actual.site?.defaultHostName) result.defaultHostName = c.actual.site.defaultHostName
  return result
}
