/**
 * Deploy settings from four sources, merged with precedence flags > AZDEPLOY_* environment > azdeploy.yml >
 * defaults, then validated. Pure: the caller passes the parsed file, the environment and the flags.
 * The keys, their flags and types are defined once in config-definition.ts (which also makes the JSON Schema).
 */
import {CONFIG_DEFINITION, type ConfigKey, type DeployFlags} from './config-definition.js'
import {type ConfigFile, parseSettings} from './config-input.js'
import {shown} from './display.js'
import {InputError} from './errors.js'
import {parseImageRef} from './image-ref.js'
import {validateKeep} from './release-plan.js'
import type {Secret} from './secret.js'
import {
  normalizeLocation,
  validateAppName,
  validateHealthPath,
  validateInstances,
  validatePlanName,
  validatePort,
  validateResourceGroup,
  validateSku,
  validateSlotName,
  validateTimeout,
} from './validate.js'

export {CONFIG_KEYS, type ConfigKey, type DeployFlags} from './config-definition.js'

/** Environment variable for each scalar key: AZDEPLOY_APP, AZDEPLOY_RESOURCE_GROUP, … */
export const envName = (key: string) => `AZDEPLOY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`

export interface DeployConfig {
  app: string
  resourceGroup: string
  location?: string
  plan?: string
  planExplicit: boolean
  sku: ReturnType<typeof validateSku>
  skuExplicit: boolean
  instances: number
  instancesExplicit: boolean
  image?: string
  port?: number
  /** Values are secrets: they never reach output. */
  settings: Record<string, Secret>
  healthPath?: string
  /** Deploy to this slot, then swap it into production. */
  slot?: string
  timeoutSec: number
  /** How many releases the history on the web app keeps (`keepReleases`). */
  keepReleases: number
  /** ACR name to push a build to when there is no image. */
  registry?: string
  registryUsername?: string
  registryAuth: 'auto' | 'admin'
  subscription?: string
  cloud?: string
}

export const DEFAULTS = {
  sku: CONFIG_DEFINITION.sku.default,
  instances: CONFIG_DEFINITION.instances.default,
  timeoutSec: CONFIG_DEFINITION.timeout.default,
  keepReleases: CONFIG_DEFINITION.keepReleases.default,
  registryAuth: CONFIG_DEFINITION.registryAuth.default,
} as const

export {type ConfigFile, checkConfigFile, parseSettings} from './config-input.js'

type Picked = {value: unknown; explicit: boolean}

/** One key's value by precedence: its flag, then AZDEPLOY_<KEY>, then azdeploy.yml. */
function picker(flags: DeployFlags, env: Record<string, string | undefined>, file: ConfigFile) {
  return (key: ConfigKey): Picked => {
    const flag = (flags as Record<string, unknown>)[CONFIG_DEFINITION[key].flag]
    if (flag !== undefined) return {value: flag, explicit: true}
    const e = env[envName(key)]
    if (e !== undefined && e !== '') return {value: e, explicit: true}
    if (file[key] !== undefined) return {value: file[key], explicit: true}
    return {value: undefined, explicit: false}
  }
}

const str = (v: unknown) => (v === undefined ? undefined : String(v))

export function resolveDeployConfig(
  flags: DeployFlags,
  env: Record<string, string | undefined>,
  file: ConfigFile,
): DeployConfig {
  const pick = picker(flags, env, file)
  const app = str(pick('app').value)
  if (!app) {
    throw new InputError(
      'APP_REQUIRED',
      'No app name given',
      'Pass --app NAME, set AZDEPLOY_APP, or add app: NAME to azdeploy.yml',
    )
  }
  const appName = validateAppName(app)
  const rg = str(pick('resourceGroup').value) ?? `${appName}-rg`
  const plan = pick('plan')
  const skuPick = pick('sku')
  const sku = validateSku(str(skuPick.value) ?? DEFAULTS.sku)
  const instPick = pick('instances')
  const instances = validateInstances((instPick.value as number | string | undefined) ?? DEFAULTS.instances, sku)
  const timeout = pick('timeout').value as number | string | undefined
  const cfg: DeployConfig = {
    app: appName,
    resourceGroup: validateResourceGroup(rg),
    planExplicit: plan.explicit,
    sku,
    skuExplicit: skuPick.explicit,
    instances,
    instancesExplicit: instPick.explicit,
    settings: parseSettings(flags.env, file.env, env),
    timeoutSec: timeout === undefined ? DEFAULTS.timeoutSec : validateTimeout(timeout),
    keepReleases: resolveKeep(pick),
    registryAuth: registryAuthOf(str(pick('registryAuth').value) ?? DEFAULTS.registryAuth),
  }
  Object.assign(cfg, optionalSettings(pick))
  return cfg
}

function resolveKeep(pick: (key: ConfigKey) => Picked): number {
  const v = pick('keepReleases').value as number | string | undefined
  return v === undefined ? DEFAULTS.keepReleases : validateKeep(v, 'keepReleases')
}

/** `keepReleases` (flag > AZDEPLOY_KEEP_RELEASES > azdeploy.yml > 20) for commands that are not `up`. */
export function resolveKeepReleases(
  flags: DeployFlags,
  env: Record<string, string | undefined>,
  file: ConfigFile,
): number {
  return resolveKeep(picker(flags, env, file))
}

function registryAuthOf(value: string): DeployConfig['registryAuth'] {
  if (value !== 'auto' && value !== 'admin') {
    throw new InputError(
      'INVALID_REGISTRY_AUTH',
      `Registry auth '${shown(value)}' is not valid`,
      'Use --registry-auth auto (managed identity for ACR, the default) or --registry-auth admin (ACR admin user)',
    )
  }
  return value
}

/** The keys without a default: set only when given, each validated. */
function optionalSettings(pick: (key: ConfigKey) => Picked): Partial<DeployConfig> {
  const out: Partial<DeployConfig> = {}
  const location = str(pick('location').value)
  if (location !== undefined) out.location = normalizeLocation(location)
  const plan = str(pick('plan').value)
  if (plan !== undefined) out.plan = validatePlanName(plan)
  const image = str(pick('image').value)
  if (image !== undefined) {
    parseImageRef(image) // fail on a malformed reference before any sign-in or network call
    out.image = image
  }
  const port = pick('port').value as number | string | undefined
  if (port !== undefined) out.port = validatePort(port)
  const health = str(pick('healthPath').value)
  if (health !== undefined) out.healthPath = validateHealthPath(health)
  const slot = str(pick('slot').value)
  if (slot !== undefined) out.slot = validateSlotName(slot)
  for (const key of ['registry', 'registryUsername', 'subscription', 'cloud'] as const) {
    const v = str(pick(key).value)
    if (v !== undefined) out[key] = v
  }
  return out
}

/** The app a read or delete command acts on: flags > AZDEPLOY_* > azdeploy.yml, like `up`. */
export function resolveAppTarget(
  flags: Pick<DeployFlags, 'app' | 'resource-group' | 'subscription' | 'cloud'>,
  env: Record<string, string | undefined>,
  file: ConfigFile,
): {app: string; resourceGroup: string; subscription?: string; cloud?: string} {
  const picked = picker(flags, env, file)
  const pick = (key: ConfigKey) => str(picked(key).value)
  const app = pick('app')
  if (!app) {
    throw new InputError(
      'APP_REQUIRED',
      'No app name given',
      'Pass --app NAME, set AZDEPLOY_APP, or add app: NAME to azdeploy.yml',
    )
  }
  const name = validateAppName(app)
  const out: {app: string; resourceGroup: string; subscription?: string; cloud?: string} = {
    app: name,
    resourceGroup: validateResourceGroup(pick('resourceGroup') ?? `${name}-rg`),
  }
  const sub = pick('subscription')
  if (sub) out.subscription = sub
  const cloud = pick('cloud')
  if (cloud) out.cloud = cloud
  return out
}

/** Whether the resource group was named (flag, env or file) rather than left to the `<app>-rg` default. */
export function resourceGroupNamed(
  flags: Pick<DeployFlags, 'resource-group'>,
  env: Record<string, string | undefined>,
  file: ConfigFile,
): boolean {
  return str(picker(flags, env, file)('resourceGroup').value) !== undefined
}

/**
 * The plan a command that is not `up` looks for when the app does not exist (what a failed first `up` created):
 * AZDEPLOY_PLAN > azdeploy.yml `plan` > `<app>-plan` (`down`'s own `--plan` flag is a yes/no, not a name).
 */
export function configuredPlanName(app: string, env: Record<string, string | undefined>, file: ConfigFile): string {
  const plan = str(picker({} as DeployFlags, env, file)('plan').value)
  return plan === undefined ? `${app}-plan` : validatePlanName(plan)
}
