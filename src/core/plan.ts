/**
 * The planner: desired state against actual state, as data. No I/O. Each step carries a reason so --dry-run,
 * the human plan and --json need no extra code. App-setting values never appear in a step's printable fields.
 */

import {desiredSettings, MANAGED_SETTINGS} from './app-settings.js'
import {InputError, RejectedError} from './errors.js'
import type {ActualSiteConfig, ActualState, DesiredState} from './model.js'
import {MANAGED_TAG, MANAGED_TAG_VALUE} from './model.js'
import type {Secret} from './secret.js'
import type {SiteRef} from './site-ref.js'

export type SiteConfigPatch = Partial<Omit<ActualSiteConfig, 'acrUserManagedIdentityID'>> & {
  /** The identity's client id is filled in by the applier (it may not exist before the identity is created). */
  acrUserManagedIdentity?: string
}

export type Step =
  | {kind: 'create-resource-group'; name: string; location: string; reason: string}
  | {kind: 'create-plan'; name: string; sku: string; tier: string; capacity: number; location: string; reason: string}
  | {kind: 'update-plan'; name: string; sku?: string; tier?: string; capacity?: number; reason: string}
  | {kind: 'create-identity'; name: string; location: string; reason: string}
  | {kind: 'assign-acr-pull'; identityName: string; registryId: string; abac: boolean; reason: string}
  | {
      kind: 'create-site'
      site: SiteRef
      location: string
      siteConfig: SiteConfigPatch
      settings: Record<string, string | Secret>
      identityName?: string
      reason: string
    }
  | {
      /**
       * Every change to an existing site (or slot) in ONE write that restarts it at most once: site properties,
       * the changed siteConfig fields and, with them, the full merged settings list (a site PATCH).
       */
      kind: 'update-site'
      site: SiteRef
      httpsOnly?: boolean
      identityName?: string
      /** Changed siteConfig fields only (empty when only site properties change). */
      siteConfig: SiteConfigPatch
      /**
       * The complete settings dictionary (actual merged with desired; the write replaces the whole set). Present
       * whenever the write restarts the app, so the new image never starts with stale settings.
       */
      settings?: Record<string, string | Secret>
      /** Names only, never values. */
      changed: string[]
      removed: string[]
      /** Whether this write recycles the container (siteConfig or settings change). */
      restarts: boolean
      reason: string
    }

export type StepKind = Step['kind']

export interface Plan {
  steps: Step[]
  /** Whether applying restarts the app's container (image, settings or site config change). */
  restarts: boolean
  warnings: string[]
}

export function planIdFor(d: DesiredState): string {
  return `/subscriptions/${d.subscriptionId}/resourceGroups/${d.plan.resourceGroup}/providers/Microsoft.Web/serverfarms/${d.plan.name}`
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

export function planDeploy(d: DesiredState, a: ActualState): Plan {
  const steps: Step[] = []
  const warnings: string[] = []
  const needLocation = () => {
    if (!d.location) {
      throw new InputError(
        'LOCATION_REQUIRED',
        `App '${d.app.name}' does not exist yet in resource group '${d.resourceGroup}', and no location was given`,
        'Pass --location (e.g. --location westeurope) or set location in azdeploy.yml',
      )
    }
    return d.location
  }

  // Resource group
  if (a.resourceGroup && !a.resourceGroup.exists) {
    steps.push({kind: 'create-resource-group', name: d.resourceGroup, location: needLocation(), reason: 'not found'})
  }

  // Plan
  const planLocation = () => a.site?.location ?? a.plan?.location ?? needLocation()
  if (!a.plan) {
    steps.push({
      kind: 'create-plan',
      name: d.plan.name,
      sku: d.plan.sku,
      tier: d.plan.tier,
      capacity: d.plan.capacity,
      location: planLocation(),
      reason: 'not found',
    })
  } else {
    if (!a.plan.linux) {
      throw new RejectedError(
        'PLAN_NOT_LINUX',
        `App Service plan '${a.plan.name}' is a Windows plan; Web App for Containers (Linux) needs a Linux plan`,
        'Pass --plan with a new name to create a Linux plan (azdeploy creates it), or choose an existing Linux plan',
      )
    }
    const skuDiffers = d.plan.explicitSku && a.plan.sku.toLowerCase() !== d.plan.sku.toLowerCase()
    const capDiffers = d.plan.explicitCapacity && a.plan.capacity !== d.plan.capacity
    if (skuDiffers || capDiffers) {
      const reasons = []
      if (skuDiffers) reasons.push(`SKU ${a.plan.sku} → ${d.plan.sku}`)
      if (capDiffers) reasons.push(`instances ${a.plan.capacity} → ${d.plan.capacity}`)
      steps.push({
        kind: 'update-plan',
        name: a.plan.name,
        ...(skuDiffers ? {sku: d.plan.sku, tier: d.plan.tier} : {sku: a.plan.sku, tier: a.plan.tier ?? d.plan.tier}),
        capacity: capDiffers ? d.plan.capacity : a.plan.capacity,
        reason: reasons.join(', '),
      })
    }
  }

  // Identity and AcrPull for managed-identity pulls
  let identityName: string | undefined
  if (d.registry.mode === 'managed-identity') {
    identityName = d.registry.identityName
    if (!a.identity) {
      steps.push({kind: 'create-identity', name: identityName, location: planLocation(), reason: 'pulls from ACR'})
    }
    if (!a.identity || !a.roleAssignment?.exists) {
      steps.push({
        kind: 'assign-acr-pull',
        identityName,
        registryId: d.registry.registryId,
        abac: d.registry.roleModeAbac,
        reason: `${d.registry.roleModeAbac ? 'Container Registry Repository Reader' : 'AcrPull'} on ${d.registry.loginServer}`,
      })
    }
  }

  const desiredConfig = siteConfigFor(d, a)
  const settings = desiredSettings(d, a.appSettings ?? {})

  if (!a.site) {
    steps.push({
      kind: 'create-site',
      site: d.site,
      location: planLocation(),
      siteConfig: desiredConfig,
      settings: settings.merged,
      ...(identityName ? {identityName} : {}),
      reason: 'not found',
    })
    return {steps, restarts: true, warnings}
  }

  // Existing site
  if (!a.site.kind.toLowerCase().includes('linux')) {
    throw new RejectedError(
      'SITE_NOT_LINUX',
      `App '${a.site.name}' exists but is not a Linux app (kind '${a.site.kind}')`,
      'Choose another --app name; a Windows app cannot run a Linux container',
    )
  }
  if (d.plan.explicit && !sameId(a.site.serverFarmId, planIdFor(d))) {
    throw new InputError(
      'PLAN_MISMATCH',
      `App '${a.site.name}' runs on plan '${a.site.serverFarmId.split('/').pop()}', not '${d.plan.name}'`,
      `Drop --plan, or pass --plan ${a.site.serverFarmId.split('/').pop()}; moving an app between plans is not done by azdeploy`,
    )
  }
  if (d.location && a.site.location.replace(/\s/g, '').toLowerCase() !== d.location) {
    warnings.push(`app '${a.site.name}' is in ${a.site.location}; --location ${d.location} is ignored for it`)
  }

  const update = planSiteUpdate(d, a, identityName, desiredConfig, settings)
  if (update) steps.push(update)
  return {steps, restarts: update?.restarts === true, warnings}
}

/** The one write for an existing site: what differs in site properties, siteConfig and settings, or null. */
function planSiteUpdate(
  d: DesiredState,
  a: ActualState,
  identityName: string | undefined,
  desiredConfig: SiteConfigPatch,
  settings: ReturnType<typeof desiredSettings>,
): Extract<Step, {kind: 'update-site'}> | null {
  const site = a.site!
  const reasons: string[] = []
  const step: Extract<Step, {kind: 'update-site'}> = {
    kind: 'update-site',
    site: d.site,
    siteConfig: diffConfig(desiredConfig, a.siteConfig ?? {}, a),
    changed: settings.changed,
    removed: settings.removed,
    restarts: false,
    reason: '',
  }
  if (!site.httpsOnly) {
    step.httpsOnly = true
    reasons.push('HTTPS only')
  }
  const attached = a.identity && site.userAssignedIdentityIds.some((id) => sameId(id, a.identity!.id))
  if (identityName && !attached) {
    step.identityName = identityName
    reasons.push(`attach identity ${identityName}`)
  }
  const configChanged = Object.keys(step.siteConfig).length > 0
  const settingsChanged = settings.changed.length > 0 || settings.removed.length > 0
  if (configChanged) reasons.push(describePatch(step.siteConfig, a.siteConfig ?? {}))
  if (settings.changed.length) reasons.push(`set ${settings.changed.join(', ')}`)
  if (settings.removed.length) reasons.push(`remove ${settings.removed.join(', ')}`)
  if (reasons.length === 0) return null
  if (configChanged || settingsChanged) {
    step.settings = settings.merged
    step.restarts = true
  }
  step.reason = reasons.join('; ')
  return step
}

function siteConfigFor(d: DesiredState, a: ActualState): SiteConfigPatch {
  const mi = d.registry.mode === 'managed-identity'
  const cfg: SiteConfigPatch = {
    linuxFxVersion: `DOCKER|${d.app.pinnedImage}`,
    acrUseManagedIdentityCreds: mi,
    alwaysOn: d.app.alwaysOn,
    http20Enabled: true,
    // Never lower a stricter TLS minimum someone set.
    minTlsVersion: a.siteConfig?.minTlsVersion === '1.3' ? '1.3' : '1.2',
    ftpsState: 'Disabled',
  }
  if (mi && d.registry.mode === 'managed-identity') cfg.acrUserManagedIdentity = d.registry.identityName
  if (d.app.healthPath) cfg.healthCheckPath = d.app.healthPath
  return cfg
}

function diffConfig(want: SiteConfigPatch, have: ActualSiteConfig, a: ActualState): SiteConfigPatch {
  const patch: SiteConfigPatch = {}
  const keys = ['linuxFxVersion', 'acrUseManagedIdentityCreds', 'alwaysOn', 'http20Enabled', 'minTlsVersion'] as const
  for (const k of keys) {
    if (want[k] !== undefined && want[k] !== (have[k] ?? undefined)) (patch as Record<string, unknown>)[k] = want[k]
  }
  if (want.ftpsState && (have.ftpsState ?? '').toLowerCase() !== want.ftpsState.toLowerCase())
    patch.ftpsState = want.ftpsState
  if (want.healthCheckPath && want.healthCheckPath !== have.healthCheckPath)
    patch.healthCheckPath = want.healthCheckPath
  if (want.acrUserManagedIdentity) {
    const clientId = a.identity?.clientId
    if (!clientId || (have.acrUserManagedIdentityID ?? '').toLowerCase() !== clientId.toLowerCase()) {
      patch.acrUserManagedIdentity = want.acrUserManagedIdentity
      patch.acrUseManagedIdentityCreds = true
    }
  }
  return patch
}

function describePatch(p: SiteConfigPatch, have: ActualSiteConfig): string {
  const parts: string[] = []
  if (p.linuxFxVersion) parts.push(have.linuxFxVersion ? 'image changed' : 'image set')
  const rest = Object.keys(p).filter((k) => k !== 'linuxFxVersion')
  if (rest.length) parts.push(rest.join(', '))
  return parts.join('; ')
}

export {desiredSettings, MANAGED_SETTINGS, MANAGED_TAG, MANAGED_TAG_VALUE}
