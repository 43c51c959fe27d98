/** One executor per plan step kind: the ARM write(s) that carry the step out. */
import type {ActualIdentity, ActualState, DesiredState} from '../core/model.js'
import {MANAGED_TAG, MANAGED_TAG_VALUE} from '../core/model.js'
import {planIdFor, type SiteConfigPatch, type Step, type StepKind} from '../core/plan.js'
import type {Secret} from '../core/secret.js'
import {siteLabel} from '../core/site-ref.js'
import type {AppServicePort, Clock, IdentityPort, RoleAssignmentPort, SiteConfigWrite} from '../ports/index.js'
import {roleAssignmentName} from './read-state.js'

export interface ApplyContext {
  desired: DesiredState
  actual: ActualState
  app: AppServicePort
  identities: IdentityPort
  rbac: RoleAssignmentPort
  clock: Clock
  signal: AbortSignal
  progress: (detail: string) => void
  /** Extra tags a new site is created with (the deploy lock and the first release record: release-run.ts). */
  siteTags?: Record<string, string>
}

export interface ApplyResult {
  defaultHostName?: string
  /** When the first restart-causing write was sent (epoch ms). */
  restartedAt?: number
  /** When this apply created a NEW AcrPull role assignment (epoch ms): the verify phase treats unauthorized pulls
   * soon after it as propagation. */
  roleAssignedAt?: number
  writes: number
}

/** What executors share while a plan is applied: the identity once known, the result so far. */
export interface ApplyState {
  identity: ActualIdentity | undefined
  result: ApplyResult
  /** Counts one ARM write. */
  count<T>(p: Promise<T>): Promise<T>
}

export type Executor<K extends StepKind = StepKind> = (
  step: Extract<Step, {kind: K}>,
  c: ApplyContext,
  state: ApplyState,
) => Promise<void>
const tags = {[MANAGED_TAG]: MANAGED_TAG_VALUE}
const plain = (settings: Record<string, string | Secret>) =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? v : v.reveal()]))

/** The pull identity is planned by name; the write names it by client id, known once the identity exists. */
function resolveConfig(p: SiteConfigPatch, s: ApplyState): SiteConfigWrite {
  const {acrUserManagedIdentity, ...rest} = p
  return acrUserManagedIdentity && s.identity ? {...rest, acrUserManagedIdentityID: s.identity.clientId} : rest
}

const markRestart = (s: ApplyState, c: ApplyContext) => {
  s.result.restartedAt ??= c.clock.now()
}

export const EXECUTORS: {[K in StepKind]: Executor<K>} = {
  async 'create-resource-group'(step, c, s) {
    c.progress(`creating resource group ${step.name}`)
    await s.count(c.app.createResourceGroup(step.name, step.location, tags))
  },
  async 'create-plan'(step, c, s) {
    c.progress(`creating plan ${step.name}`)
    const ref = {resourceGroup: c.desired.plan.resourceGroup, name: step.name}
    const p = {location: step.location, sku: step.sku, tier: step.tier, capacity: step.capacity, tags}
    await s.count(c.app.putPlan(ref, p))
  },
  async 'update-plan'(step, c, s) {
    c.progress(`updating plan ${step.name}`)
    const d = c.desired
    await s.count(
      c.app.putPlan(
        {resourceGroup: d.plan.resourceGroup, name: step.name},
        {
          location: c.actual.plan?.location ?? d.location ?? '',
          sku: step.sku ?? d.plan.sku,
          tier: step.tier ?? d.plan.tier,
          capacity: step.capacity ?? d.plan.capacity,
          // A PUT replaces the tags: keep the plan's own (never stamp someone's plan as azdeploy's: `down` trusts it).
          tags: c.actual.plan?.tags ?? {},
        },
      ),
    )
  },
  async 'create-identity'(step, c, s) {
    c.progress(`creating identity ${step.name}`)
    s.identity = await s.count(c.identities.createIdentity(c.desired.resourceGroup, step.name, step.location, tags))
  },
  async 'assign-acr-pull'(step, c, s) {
    const identity = s.identity
    if (!identity) return
    c.progress('granting the identity pull access on the registry')
    const roleId = await c.rbac.pullRoleDefinitionId(step.registryId, step.abac)
    const name = roleAssignmentName(step.registryId, identity.principalId, step.abac)
    const outcome = await s.count(c.rbac.assignRole(step.registryId, name, roleId, identity.principalId))
    if (outcome === 'created') {
      s.result.roleAssignedAt = c.clock.now()
      await waitForRole(c, step.registryId, name)
    }
  },
  async 'create-site'(step, c, s) {
    c.progress(`creating web app ${step.site.site}${step.site.slot ? `/${step.site.slot}` : ''}`)
    markRestart(s, c)
    const site = await s.count(
      c.app.createSite(step.site, {
        location: step.location,
        planId: c.actual.plan?.id || planIdFor(c.desired),
        siteConfig: resolveConfig(step.siteConfig, s),
        settings: plain(step.settings),
        ...(s.identity ? {identityId: s.identity.id} : {}),
        tags: {...tags, ...c.siteTags},
      }),
    )
    if (site.defaultHostName) s.result.defaultHostName = site.defaultHostName
  },
  async 'update-site'(step, c, s) {
    c.progress(`updating web app ${siteLabel(step.site)}${step.restarts ? ' (one write, one restart)' : ''}`)
    if (step.restarts) markRestart(s, c)
    const config = resolveConfig(step.siteConfig, s)
    await s.count(
      c.app.patchSite(step.site, {
        ...(step.httpsOnly !== undefined ? {httpsOnly: step.httpsOnly} : {}),
        ...(step.identityName ? {identity: identityWith(c, s)} : {}),
        ...(Object.keys(config).length > 0 ? {siteConfig: config} : {}),
        ...(step.settings ? {appSettings: plain(step.settings)} : {}),
      }),
    )
  },
}

/** The site's identities plus the pull identity (a system-assigned one is kept). */
function identityWith(c: ApplyContext, s: ApplyState): {type: string; userAssignedIdentityIds: string[]} {
  const ids = new Set(c.actual.site?.userAssignedIdentityIds ?? [])
  if (s.identity) ids.add(s.identity.id)
  const system = (c.actual.site?.identityType ?? '').toLowerCase().includes('systemassigned')
  return {type: system ? 'SystemAssigned, UserAssigned' : 'UserAssigned', userAssignedIdentityIds: [...ids]}
}

/**
 * A new role assignment is visible in ARM at once but reaches the registry's authorisation cache later. Poll until
 * ARM returns it; no fixed pause after that: the verify phase treats the first minutes' unauthorized pulls as
 * propagation and restarts the site (services/health.ts).
 */
async function waitForRole(c: ApplyContext, scope: string, name: string): Promise<void> {
  for (let i = 0; i < 30 && !(await c.rbac.roleAssignmentExists(scope, name)); i++) await c.clock.sleep(1000, c.signal)
}
