/** Input rules, each failing with one message that names the bad value and says how to fix it. Pure. */
import {shown} from './display.js'
import {InputError} from './errors.js'
import {MANAGED_SETTINGS} from './plan.js'

/** Web app names (the schema's `app` pattern comes from here too). */
export const APP_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,58}[a-zA-Z0-9])?$/
/** Resource group names: 1-90 of letters, digits, '-', '_', '.', '(' and ')', not ending with '.'. */
export const RESOURCE_GROUP_NAME = /^[-\w.()]{0,89}[-\w()]$/u
export const PLAN_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,59}$/

export function validateAppName(name: string): string {
  if (!APP_NAME.test(name) || name.length < 2) {
    throw new InputError(
      'INVALID_APP_NAME',
      `App name '${shown(name)}' is not valid: use 2-60 letters, digits and hyphens, not starting or ending with a hyphen`,
      'Pass --app with a name like shop-api (it becomes part of the app URL)',
    )
  }
  return name.toLowerCase()
}

export function validateResourceGroup(name: string): string {
  if (!RESOURCE_GROUP_NAME.test(name)) {
    throw new InputError(
      'INVALID_RESOURCE_GROUP',
      `Resource group name '${shown(name)}' is not valid: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'`,
      'Pass --resource-group with a valid name, e.g. shop-rg',
    )
  }
  return name
}

export function validatePlanName(name: string): string {
  if (!PLAN_NAME.test(name)) {
    throw new InputError(
      'INVALID_PLAN_NAME',
      `Plan name '${shown(name)}' is not valid: use 1-60 letters, digits and hyphens, starting with a letter or digit`,
      'Pass --plan with a valid name, e.g. shop-plan',
    )
  }
  return name
}

/** "West Europe" and "westeurope" both become "westeurope". The region list is checked against Azure later. */
export function normalizeLocation(location: string): string {
  const norm = location.replace(/\s+/g, '').toLowerCase()
  if (!/^[a-z][a-z0-9]{2,40}$/.test(norm)) {
    throw new InputError(
      'INVALID_LOCATION',
      `Location '${shown(location)}' is not a valid Azure region name`,
      'Pass --location with a region name such as westeurope, eastus or uksouth (`az account list-locations -o table`)',
    )
  }
  return norm
}

interface SkuInfo {
  tier: string
  maxInstances: number
  alwaysOn: boolean
}

/** Linux App Service SKUs (no Shared D1, no Windows-only tiers), with the tier name ARM expects. */
const LINUX_SKUS: Record<string, SkuInfo> = {
  F1: {tier: 'Free', maxInstances: 1, alwaysOn: false},
  B1: {tier: 'Basic', maxInstances: 3, alwaysOn: true},
  B2: {tier: 'Basic', maxInstances: 3, alwaysOn: true},
  B3: {tier: 'Basic', maxInstances: 3, alwaysOn: true},
  S1: {tier: 'Standard', maxInstances: 10, alwaysOn: true},
  S2: {tier: 'Standard', maxInstances: 10, alwaysOn: true},
  S3: {tier: 'Standard', maxInstances: 10, alwaysOn: true},
  P1V2: {tier: 'PremiumV2', maxInstances: 30, alwaysOn: true},
  P2V2: {tier: 'PremiumV2', maxInstances: 30, alwaysOn: true},
  P3V2: {tier: 'PremiumV2', maxInstances: 30, alwaysOn: true},
  P0V3: {tier: 'Premium0V3', maxInstances: 30, alwaysOn: true},
  P1V3: {tier: 'PremiumV3', maxInstances: 30, alwaysOn: true},
  P2V3: {tier: 'PremiumV3', maxInstances: 30, alwaysOn: true},
  P3V3: {tier: 'PremiumV3', maxInstances: 30, alwaysOn: true},
  P1MV3: {tier: 'PremiumMV3', maxInstances: 30, alwaysOn: true},
  P2MV3: {tier: 'PremiumMV3', maxInstances: 30, alwaysOn: true},
  P3MV3: {tier: 'PremiumMV3', maxInstances: 30, alwaysOn: true},
  P4MV3: {tier: 'PremiumMV3', maxInstances: 30, alwaysOn: true},
  P5MV3: {tier: 'PremiumMV3', maxInstances: 30, alwaysOn: true},
  P0V4: {tier: 'PremiumV4', maxInstances: 30, alwaysOn: true},
  P1V4: {tier: 'PremiumV4', maxInstances: 30, alwaysOn: true},
  P2V4: {tier: 'PremiumV4', maxInstances: 30, alwaysOn: true},
  P3V4: {tier: 'PremiumV4', maxInstances: 30, alwaysOn: true},
  I1V2: {tier: 'IsolatedV2', maxInstances: 100, alwaysOn: true},
  I2V2: {tier: 'IsolatedV2', maxInstances: 100, alwaysOn: true},
  I3V2: {tier: 'IsolatedV2', maxInstances: 100, alwaysOn: true},
}

/** ARM spells the v2/v3 names with a lower-case v (P1v3); keep that spelling on the wire. */
const armSkuName = (upper: string) => upper.replace(/MV(\d)$/, 'mv$1').replace(/V(\d)$/, 'v$1')

/** The Linux SKUs as ARM spells them: F1, B1, …, P1v3, P1mv3, … */
export const LINUX_SKU_NAMES: readonly string[] = Object.keys(LINUX_SKUS).map(armSkuName)

export function validateSku(sku: string): {name: string} & SkuInfo {
  const name = sku.toUpperCase()
  const info = LINUX_SKUS[name]
  if (!info) {
    const hint = name === 'D1' ? 'Shared (D1) plans cannot run Linux apps. ' : ''
    throw new InputError(
      'INVALID_SKU',
      `SKU '${shown(sku)}' is not an App Service SKU that runs Linux containers`,
      `${hint}Pass --sku with one of: ${Object.keys(LINUX_SKUS).join(', ')} (default B1)`,
    )
  }
  return {name: armSkuName(name), ...info}
}

/**
 * A whole number as given: a number, or a text of decimal digits (surrounding spaces allowed); NaN for anything
 * else, so `1.5`, `1e3`, `0x10`, `Infinity` and `''` are refused rather than read the way Number() reads them.
 */
export function wholeNumber(raw: string | number): number {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : Number.NaN
  return /^\s*\d{1,15}\s*$/.test(raw) ? Number(raw) : Number.NaN
}

export function validateInstances(raw: number | string, sku: {name: string; maxInstances: number}): number {
  const n = wholeNumber(raw)
  if (!Number.isInteger(n) || n < 1 || n > sku.maxInstances) {
    throw new InputError(
      'INVALID_INSTANCES',
      `Instance count '${shown(raw)}' is not valid for SKU ${sku.name}: use a whole number from 1 to ${sku.maxInstances}`,
      `Pass --instances between 1 and ${sku.maxInstances}, or a larger --sku`,
    )
  }
  return n
}

export function validatePort(raw: string | number): number {
  const n = wholeNumber(raw)
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InputError(
      'INVALID_PORT',
      `Port '${shown(raw)}' is not valid: use a whole number from 1 to 65535`,
      'Pass --port with the port your app listens on inside the container, e.g. --port 8080',
    )
  }
  return n
}

/** A deployment slot name: letters, digits and hyphens, starting with a letter or digit (not `production`). */
export const SLOT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,58}$/

export function validateSlotName(name: string): string {
  if (!SLOT_NAME.test(name) || name.endsWith('-') || /^production$/i.test(name)) {
    throw new InputError(
      'INVALID_SLOT',
      `Slot name '${shown(name)}' is not valid: use 1-59 letters, digits and hyphens (not 'production')`,
      'Pass --slot like --slot staging',
    )
  }
  return name
}

/** A URL path: '/' then no spaces and no control characters (the schema's `healthPath` pattern). */
export const HEALTH_PATH = /^\/[^\s\u0000-\u001f\u007f-\u009f]*$/

export function validateHealthPath(path: string): string {
  if (!HEALTH_PATH.test(path) || path.length > 512) {
    const why =
      path.length > 512
        ? `it is ${path.length} characters, more than 512`
        : "it must start with '/' and contain no spaces or control characters"
    throw new InputError(
      'INVALID_HEALTH_PATH',
      `Health path '${shown(path)}' is not valid: ${why}`,
      'Pass --health-path like /healthz',
    )
  }
  return path
}

export function validateTimeout(raw: string | number): number {
  const n = wholeNumber(raw)
  if (!Number.isInteger(n) || n < 1 || n > 3600) {
    throw new InputError(
      'INVALID_TIMEOUT',
      `Timeout '${shown(raw)}' is not valid: use whole seconds from 1 to 3600`,
      'Pass --timeout in seconds, e.g. --timeout 300 (App Service gives a container 230 s to start)',
    )
  }
  return n
}

export const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Validates an app-setting name given with --env; managed names are refused with the flag to use instead. */
export function validateSettingName(name: string): string {
  if (!SETTING_NAME.test(name) || name.length > 256) {
    throw new InputError(
      'INVALID_ENV',
      `Setting name '${shown(name)}' is not valid: use letters, digits and underscores, not starting with a digit`,
      'Pass --env NAME=VALUE, e.g. --env LOG_LEVEL=info (on Linux, App Service cannot pass names with dots or dashes)',
    )
  }
  if (name === '__proto__') {
    // As a key of a JavaScript object it would set the prototype, and the setting would be lost on the way.
    throw new InputError(
      'INVALID_ENV',
      "Setting name '__proto__' is not supported by azdeploy",
      'Name the setting differently, e.g. --env PROTO=VALUE',
    )
  }
  if ((MANAGED_SETTINGS as readonly string[]).includes(name.toUpperCase())) {
    const flag =
      name.toUpperCase() === 'WEBSITES_PORT' ? '--port' : '--registry-username and AZDEPLOY_REGISTRY_PASSWORD'
    throw new InputError(
      'MANAGED_SETTING',
      `Setting '${shown(name)}' is managed by azdeploy`,
      `Use ${flag} instead of --env`,
    )
  }
  return name
}

/**
 * The `sku` filter of Microsoft.Web/geoRegions takes a tier family (Free, Basic, Standard, PremiumV2, PremiumV3,
 * IsolatedV2, …), not every plan tier name: Premium0V3 and PremiumMV3 plans are listed under PremiumV3. Tiers the
 * filter does not know return undefined, and the region is then left for ARM to accept or refuse.
 */
export function geoRegionSku(tier: string): string | undefined {
  const map: Record<string, string> = {
    Free: 'Free',
    Basic: 'Basic',
    Standard: 'Standard',
    PremiumV2: 'PremiumV2',
    PremiumV3: 'PremiumV3',
    Premium0V3: 'PremiumV3',
    PremiumMV3: 'PremiumV3',
    IsolatedV2: 'IsolatedV2',
  }
  return map[tier]
}
