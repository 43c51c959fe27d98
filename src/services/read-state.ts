/**
 * Reads what Azure has for one deployment, making the fewest round trips: the site, its config, its settings and
 * the plan in one parallel batch; the resource group, name availability and regions only when the app is new.
 */
import type {DeployConfig} from '../core/config.js'
import {InputError, RejectedError} from '../core/errors.js'
import type {ActualState} from '../core/model.js'
import {deterministicGuid, pullIdentityName, resourceGroupOf} from '../core/names.js'
import type {SiteRef} from '../core/site-ref.js'
import {geoRegionSku} from '../core/validate.js'
import type {AppServicePort, IdentityPort, RegistryInfo, RoleAssignmentPort} from '../ports/index.js'

export interface ReadResult {
  actual: ActualState
  planName: string
  planResourceGroup: string
}

/** Read phase: what Azure has for the target site (production or a slot) and its plan. */
export async function readActualState(cfg: DeployConfig, target: SiteRef, app: AppServicePort): Promise<ReadResult> {
  const defaultPlan = cfg.plan ?? `${cfg.app}-plan`
  const [site, siteConfig, appSettings, plan] = await Promise.all([
    app.getSite(target),
    app.getSiteConfig(target),
    app.listAppSettings(target),
    app.getPlan({resourceGroup: cfg.resourceGroup, name: defaultPlan}),
  ])
  const actual: ActualState = {site, siteConfig, appSettings, plan}
  let planName = defaultPlan
  let planResourceGroup = cfg.resourceGroup
  if (site) {
    // The app exists: its plan is the one to manage unless the user named another (the planner refuses that).
    const sitePlan = site.serverFarmId.split('/').pop() ?? defaultPlan
    const siteGroup = resourceGroupOf(site.serverFarmId) ?? cfg.resourceGroup
    if (
      !cfg.planExplicit &&
      (sitePlan.toLowerCase() !== defaultPlan.toLowerCase() ||
        siteGroup.toLowerCase() !== cfg.resourceGroup.toLowerCase())
    ) {
      planName = sitePlan
      planResourceGroup = siteGroup
      actual.plan = await app.getPlan({resourceGroup: siteGroup, name: sitePlan})
    }
    return {actual, planName, planResourceGroup}
  }

  // A new app: the group, the global name and the region are checked before anything is written.
  const [group, name, regions] = await Promise.all([
    app.getResourceGroup(cfg.resourceGroup),
    app.checkNameAvailability(cfg.app),
    !plan && cfg.location && geoRegionSku(cfg.sku.tier)
      ? app.listLinuxRegions(geoRegionSku(cfg.sku.tier)!)
      : Promise.resolve(null),
  ])
  actual.resourceGroup = group
  if (!name.available) {
    throw new RejectedError(
      'NAME_TAKEN',
      `The app name '${cfg.app}' is not available: ${name.message || 'it is already used in Azure'}`,
      'App names are global across Azure: choose another --app name',
    )
  }
  if (regions && regions.length > 0 && cfg.location && !regions.includes(cfg.location)) {
    throw new InputError(
      'INVALID_LOCATION',
      `Location '${cfg.location}' does not offer Linux ${cfg.sku.name} plans`,
      `Pass --location with one of: ${regions.slice(0, 12).join(', ')}${regions.length > 12 ? ', …' : ''}`,
    )
  }
  return {actual, planName, planResourceGroup}
}

/** For ACR pulls: the app's identity and whether it already holds the pull role on the registry. */
export async function readIdentityState(
  cfg: DeployConfig,
  registry: RegistryInfo,
  ports: {identities: IdentityPort; rbac: RoleAssignmentPort},
  actual: ActualState,
): Promise<void> {
  const identity = await ports.identities.getIdentity(cfg.resourceGroup, pullIdentityName(cfg.app))
  actual.identity = identity
  if (!identity) return
  const abac = registry.roleAssignmentMode === 'AbacRepositoryPermissions'
  const name = roleAssignmentName(registry.id, identity.principalId, abac)
  actual.roleAssignment = {exists: await ports.rbac.roleAssignmentExists(registry.id, name), name}
}

export const roleAssignmentName = (registryId: string, principalId: string, abac: boolean) =>
  deterministicGuid(registryId, principalId, abac ? 'repository-reader' : 'acrpull')
