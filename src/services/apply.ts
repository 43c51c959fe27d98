/**
 * Applies a plan: writes in dependency order, independent writes in parallel, one write per resource.
 * Group → (plan ‖ identity → role) → site (create) or (site ‖ config ‖ settings).
 */

import type {ActualIdentity, ActualState} from '../core/model.js'
import {type DesiredState, MANAGED_TAG, MANAGED_TAG_VALUE} from '../core/model.js'
import type {Plan, SiteConfigPatch, Step} from '../core/plan.js'
import {planIdFor} from '../core/plan.js'
import type {Secret} from '../core/secret.js'
import type {AcrPort, AppServicePort, Clock} from '../ports/index.js'
import {roleAssignmentName} from './read-state.js'

export interface ApplyContext {
  desired: DesiredState
  actual: ActualState
  app: AppServicePort
  acr: AcrPort
  clock: Clock
  signal: AbortSignal
  env: Record<string, string | undefined>
  progress: (detail: string) => void
}

export interface ApplyResult {
  defaultHostName?: string
  /** When the first restart-causing write was sent (epoch ms). */
  restartedAt?: number
  writes: number
}

const tags = {[MANAGED_TAG]: MANAGED_TAG_VALUE}
const plain = (settings: Record<string, string | Secret>) =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? v : v.reveal()]))

export async function applyPlan(plan: Plan, c: ApplyContext): Promise<ApplyResult> {
  const d = c.desired
  const group = d.resourceGroup
  const result: ApplyResult = {writes: 0}
  const find = <K extends Step['kind']>(kind: K) =>
    plan.steps.find((s) => s.kind === kind) as Extract<Step, {kind: K}> | undefined
  const count = <T>(p: Promise<T>) =>
    p.then((v) => {
      result.writes++
      return v
    })

  const rg = find('create-resource-group')
  if (rg) {
    c.progress(`creating resource group ${rg.name}`)
    await count(c.app.createResourceGroup(rg.name, rg.location, tags))
  }

  const planStep = find('create-plan') ?? find('update-plan')
  const planWrite = async () => {
    if (!planStep) return
    c.progress(`${planStep.kind === 'create-plan' ? 'creating' : 'updating'} plan ${planStep.name}`)
    const location = planStep.kind === 'create-plan' ? planStep.location : (c.actual.plan?.location ?? d.location ?? '')
    await count(
      c.app.putPlan(d.plan.resourceGroup, planStep.name, {
        location,
        sku: planStep.sku ?? d.plan.sku,
        tier: planStep.tier ?? d.plan.tier,
        capacity: planStep.capacity ?? d.plan.capacity,
        tags,
      }),
    )
  }
  const identityWork = async (): Promise<ActualIdentity | undefined> => {
    if (d.registry.mode !== 'managed-identity') return undefined
    let identity = c.actual.identity ?? undefined
    const create = find('create-identity')
    if (create) {
      c.progress(`creating identity ${create.name}`)
      identity = await count(c.acr.createIdentity(group, create.name, create.location, tags))
    }
    const assign = find('assign-acr-pull')
    if (assign && identity) {
      c.progress('granting the identity pull access on the registry')
      const roleId = await c.acr.pullRoleDefinitionId(assign.registryId, assign.abac)
      const name = roleAssignmentName(assign.registryId, identity.principalId, assign.abac)
      const outcome = await count(c.acr.assignRole(assign.registryId, name, roleId, identity.principalId))
      if (outcome === 'created') await waitForRole(c, assign.registryId, name)
    }
    return identity
  }
  const [, identity] = await Promise.all([planWrite(), identityWork()])
  const resolveConfig = (p: SiteConfigPatch) => {
    const {acrUserManagedIdentity, ...rest} = p
    return acrUserManagedIdentity && identity ? {...rest, acrUserManagedIdentityID: identity.clientId} : rest
  }

  const create = find('create-site')
  if (create) {
    c.progress(`creating web app ${create.name}`)
    result.restartedAt = c.clock.now()
    const site = await count(
      c.app.createSite(group, create.name, {
        location: create.location,
        planId: c.actual.plan?.id || planIdFor(d),
        siteConfig: resolveConfig(create.siteConfig),
        settings: plain(create.settings),
        ...(identity ? {identityId: identity.id} : {}),
        tags,
      }),
    )
    if (site.defaultHostName) result.defaultHostName = site.defaultHostName
    return result
  }

  const writes: Array<Promise<unknown>> = []
  const siteStep = find('update-site')
  if (siteStep) {
    const ids = new Set(c.actual.site?.userAssignedIdentityIds ?? [])
    if (identity) ids.add(identity.id)
    const system = (c.actual.site?.identityType ?? '').toLowerCase().includes('systemassigned')
    writes.push(
      count(
        c.app.patchSite(group, d.app.name, {
          ...(siteStep.httpsOnly !== undefined ? {httpsOnly: siteStep.httpsOnly} : {}),
          ...(siteStep.identityName
            ? {
                identity: {
                  type: system ? 'SystemAssigned, UserAssigned' : 'UserAssigned',
                  userAssignedIdentityIds: [...ids],
                },
              }
            : {}),
        }),
      ),
    )
  }
  const cfg = find('update-site-config')
  const settings = find('update-app-settings')
  if (cfg || settings) result.restartedAt = c.clock.now()
  if (cfg) writes.push(count(c.app.patchSiteConfig(group, d.app.name, resolveConfig(cfg.patch))))
  if (settings) writes.push(count(c.app.putAppSettings(group, d.app.name, plain(settings.settings))))
  if (writes.length) c.progress('updating the web app')
  await Promise.all(writes)
  if (c.actual.site?.defaultHostName) result.defaultHostName = c.actual.site.defaultHostName
  return result
}

/**
 * A new role assignment is visible in ARM at once but reaches the registry's authorisation cache later. Poll until
 * ARM returns it, then give the cache AZDEPLOY_ROLE_SETTLE_MS (default 30 s) so the app's first pull succeeds.
 */
async function waitForRole(c: ApplyContext, scope: string, name: string): Promise<void> {
  for (let i = 0; i < 30 && !(await c.acr.roleAssignmentExists(scope, name)); i++) await c.clock.sleep(1000, c.signal)
  const settle = Number(c.env['AZDEPLOY_ROLE_SETTLE_MS'] ?? 30_000)
  if (settle > 0) {
    c.progress(`waiting ${Math.round(settle / 1000)} s for the new role to reach the registry`)
    await c.clock.sleep(settle, c.signal)
  }
}
