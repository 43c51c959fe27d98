/**
 * Deployment slot rules (reference §4), pure: which plans have slots, what refuses a slot deploy before any write,
 * and the settings a slot starts from.
 */

import {MANAGED_SETTINGS} from './app-settings.js'
import {InputError} from './errors.js'
import type {ActualPlan, ActualState} from './model.js'
import {Secret} from './secret.js'

/** Swap warm-up settings (reference §4): App Service pings this path on the slot before it switches routing. */
export const WARMUP_PATH = 'WEBSITE_SWAP_WARMUP_PING_PATH'
export const WARMUP_STATUSES = 'WEBSITE_SWAP_WARMUP_PING_STATUSES'

/** Free, Shared and Basic plans have no deployment slots (reference §4). */
export function slotsSupported(plan: Pick<ActualPlan, 'sku' | 'tier'>): boolean {
  const tier = (plan.tier ?? '').toLowerCase()
  if (/^(free|shared|basic)/.test(tier)) return false
  return !/^(f|d|b)\d/i.test(plan.sku)
}

/** Refuses, before anything is written, a slot deploy the app or its plan cannot take. */
export function checkSlotTarget(slot: string, app: string, actual: ActualState): ActualPlan {
  if (!actual.site) {
    throw new InputError(
      'SLOT_NEEDS_APP',
      `App '${app}' does not exist yet, so it has no production to swap slot '${slot}' into`,
      `Run \`azdeploy up\` without --slot first (on a Standard plan or higher: --sku S1), then deploy with --slot ${slot}`,
    )
  }
  const plan = actual.plan
  if (!plan) throw new InputError('SLOT_NEEDS_PLAN', `The plan of app '${app}' was not found`)
  if (!slotsSupported(plan)) {
    throw new InputError(
      'SLOTS_NOT_SUPPORTED',
      `Slot '${slot}' cannot be used: app '${app}' runs on plan '${plan.name}' with SKU ${plan.sku}${plan.tier ? ` (${plan.tier})` : ''}, which has no deployment slots`,
      `Slots need a Standard plan or higher: scale it with \`azdeploy up --app ${app} --sku S1\` (no --slot), or deploy without --slot`,
    )
  }
  return plan
}

/**
 * The slot starts from what production runs: production's settings (values never shown) under the user's, the
 * warm-up settings on top. Registry credentials are left to the planner (they follow the registry mode).
 */
export function slotSettings(
  production: Record<string, string>,
  user: Record<string, Secret>,
  healthPath: string | undefined,
): Record<string, Secret> {
  const out: Record<string, Secret> = {}
  const managed = new Set<string>(MANAGED_SETTINGS.slice(1))
  for (const [k, v] of Object.entries(production)) if (!managed.has(k)) out[k] = new Secret(v)
  Object.assign(out, user)
  out[WARMUP_PATH] = new Secret(healthPath ?? '/')
  out[WARMUP_STATUSES] = new Secret(
    healthPath ? '200,202,204,301,302,307,308' : '200,202,204,301,302,307,308,401,403,404',
  )
  return out
}
