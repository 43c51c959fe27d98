/**
 * `azdeploy down`: deletes the app, the pull identity azdeploy created for it, optionally the plan when no other
 * app uses it, and the resource group only when asked by name.
 */
import {pullIdentityName, resourceGroupOf} from '../core/names.js'
import {siteRef} from '../core/site-ref.js'
import type {Reporter} from '../output/reporter.js'
import type {AppServicePort, IdentityPort, RoleAssignmentPort} from '../ports/index.js'

export interface TeardownOptions {
  app: string
  resourceGroup: string
  deletePlan: boolean
  deleteGroup: boolean
}

export interface TeardownOutcome {
  app: string
  resourceGroup: string
  deleted: string[]
  kept: string[]
}

export async function teardown(
  o: TeardownOptions,
  ports: {app: AppServicePort; identities: IdentityPort; rbac: RoleAssignmentPort},
  out: Reporter,
): Promise<TeardownOutcome> {
  const result: TeardownOutcome = {app: o.app, resourceGroup: o.resourceGroup, deleted: [], kept: []}
  const ref = siteRef(o.resourceGroup, o.app)
  const [site, identity] = await Promise.all([
    ports.app.getSite(ref),
    ports.identities.getIdentity(o.resourceGroup, pullIdentityName(o.app)),
  ])
  if (!site) {
    out.info(`app ${o.app} not found in ${o.resourceGroup}: nothing to delete`)
  } else {
    await out.stage(`Delete web app ${o.app}`, () => ports.app.deleteSite(ref))
    result.deleted.push(`web app ${o.app}`)
  }
  if (identity) {
    // Its AcrPull assignment first: once the identity is gone the assignment would linger as "Identity not found".
    const removed = await ports.rbac.deleteRoleAssignmentsOf(identity.principalId)
    if (removed > 0)
      result.deleted.push(`${removed} role assignment${removed === 1 ? '' : 's'} of ${pullIdentityName(o.app)}`)
    await out.stage(`Delete identity ${pullIdentityName(o.app)}`, () =>
      ports.identities.deleteIdentity(o.resourceGroup, pullIdentityName(o.app)),
    )
    result.deleted.push(`managed identity ${pullIdentityName(o.app)}`)
  }
  if (o.deletePlan && site) {
    const planName = site.serverFarmId.split('/').pop() ?? ''
    const planGroup = resourceGroupOf(site.serverFarmId) ?? o.resourceGroup
    const others = (await ports.app.listSitesInPlan({resourceGroup: planGroup, name: planName})).filter(
      (n) => n.toLowerCase() !== o.app,
    )
    if (others.length === 0) {
      await out.stage(`Delete plan ${planName}`, () => ports.app.deletePlan({resourceGroup: planGroup, name: planName}))
      result.deleted.push(`plan ${planName}`)
    } else {
      out.warn(`plan ${planName} kept: still used by ${others.join(', ')}`)
      result.kept.push(`plan ${planName}`)
    }
  }
  if (o.deleteGroup) {
    await out.stage(`Delete resource group ${o.resourceGroup}`, () => ports.app.deleteResourceGroup(o.resourceGroup))
    result.deleted.push(`resource group ${o.resourceGroup}`)
  }
  return result
}
