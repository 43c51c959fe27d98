/** What the deploy wants, from validated config, the resolved image and what the read phase found. Pure. */
import type {DeployConfig} from './config.js'
import type {DesiredState, RegistryAccess} from './model.js'
import type {SiteRef} from './site-ref.js'

export interface DesiredInput {
  config: DeployConfig
  subscriptionId: string
  site: SiteRef
  plan: {name: string; resourceGroup: string}
  image: {pinned: string; display: string; digest: string; port?: number; registry: RegistryAccess}
}

export function desiredState(i: DesiredInput): DesiredState {
  const cfg = i.config
  const desired: DesiredState = {
    subscriptionId: i.subscriptionId,
    resourceGroup: cfg.resourceGroup,
    site: i.site,
    plan: {
      name: i.plan.name,
      resourceGroup: i.plan.resourceGroup,
      sku: cfg.sku.name,
      tier: cfg.sku.tier,
      capacity: cfg.instances,
      explicit: cfg.planExplicit,
      explicitSku: cfg.skuExplicit,
      explicitCapacity: cfg.instancesExplicit,
    },
    app: {
      name: cfg.app,
      pinnedImage: i.image.pinned,
      displayImage: i.image.display,
      digest: i.image.digest,
      settings: cfg.settings,
      alwaysOn: cfg.sku.alwaysOn,
    },
    registry: i.image.registry,
  }
  if (cfg.location) desired.location = cfg.location
  if (i.image.port !== undefined) desired.app.port = i.image.port
  if (cfg.healthPath) desired.app.healthPath = cfg.healthPath
  return desired
}
