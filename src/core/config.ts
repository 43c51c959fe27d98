/**
 * Deploy settings from four sources, merged with precedence flags > AZDEPLOY_* environment > azdeploy.yml >
 * defaults, then validated. Pure: the caller passes the parsed file, the environment and the flags.
 * The keys of azdeploy.yml are the camelCase flag names; schemas/azdeploy.schema.json describes them.
 */
import {InputError} from './errors.js'
import {parseImageRef} from './image-ref.js'
import {Secret} from './secret.js'
import {
  normalizeLocation,
  validateAppName,
  validateHealthPath,
  validateInstances,
  validatePlanName,
  validatePort,
  validateResourceGroup,
  validateSettingName,
  validateSku,
  validateTimeout,
} from './validate.js'

export const CONFIG_KEYS = [
  'app',
  'resourceGroup',
  'location',
  'plan',
  'sku',
  'instances',
  'image',
  'port',
  'env',
  'healthPath',
  'timeout',
  'registry',
  'registryUsername',
  'registryAuth',
  'subscription',
  'cloud',
] as const
type ConfigKey = (typeof CONFIG_KEYS)[number]

/** Environment variable for each scalar key: AZDEPLOY_APP, AZDEPLOY_RESOURCE_GROUP, … */
export const envName = (key: string) => `AZDEPLOY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`

export interface DeployFlags {
  app?: string
  'resource-group'?: string
  location?: string
  plan?: string
  sku?: string
  instances?: number
  image?: string
  port?: number | string
  env?: string[]
  'health-path'?: string
  timeout?: number
  registry?: string
  'registry-username'?: string
  'registry-auth'?: string
  subscription?: string
  cloud?: string
}

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
  timeoutSec: number
  /** ACR name to push a build to when there is no image. */
  registry?: string
  registryUsername?: string
  registryAuth: 'auto' | 'admin'
  subscription?: string
  cloud?: string
}

export const DEFAULTS = {sku: 'B1', instances: 1, timeoutSec: 300} as const

export type ConfigFile = Partial<Record<ConfigKey, unknown>>

/** Checks the parsed azdeploy.yml: known keys only, each of the right type. */
export function checkConfigFile(raw: unknown, path: string): ConfigFile {
  if (raw === null || raw === undefined) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      'INVALID_CONFIG',
      `${path} must be a mapping of keys to values`,
      'See schemas/azdeploy.schema.json',
    )
  }
  const out: ConfigFile = {}
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '$schema') continue
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      const near = CONFIG_KEYS.find((k) => k.toLowerCase() === key.replace(/[-_]/g, '').toLowerCase())
      throw new InputError(
        'INVALID_CONFIG',
        `${path}: unknown key '${key}'`,
        near ? `Did you mean '${near}'?` : `Known keys: ${CONFIG_KEYS.join(', ')}`,
      )
    }
    const k = key as ConfigKey
    const numeric = k === 'instances' || k === 'port' || k === 'timeout'
    if (k === 'env') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new InputError(
          'INVALID_CONFIG',
          `${path}: 'env' must be a mapping NAME: value`,
          'e.g. env: {LOG_LEVEL: info}',
        )
      }
    } else if (numeric ? typeof value !== 'number' : typeof value !== 'string') {
      throw new InputError(
        'INVALID_CONFIG',
        `${path}: '${key}' must be a ${numeric ? 'number' : 'string'}, got ${JSON.stringify(value)}`,
        'See schemas/azdeploy.schema.json',
      )
    }
    out[k] = value
  }
  return out
}

/**
 * `--env NAME=VALUE`, or `--env NAME` to take the value from the environment variable of that name (keeps
 * secrets out of the process argument list). In azdeploy.yml a null value means the same.
 */
export function parseSettings(
  flagEnv: string[] | undefined,
  fileEnv: unknown,
  env: Record<string, string | undefined>,
): Record<string, Secret> {
  const out: Record<string, Secret> = {}
  const fromEnv = (name: string, origin: string) => {
    const v = env[name]
    if (v === undefined) {
      throw new InputError(
        'INVALID_ENV',
        `${origin} '${name}' has no value and no environment variable ${name} is set`,
        `Pass --env ${name}=VALUE, or export ${name} before running azdeploy`,
      )
    }
    return v
  }
  for (const [name, value] of Object.entries((fileEnv as Record<string, unknown>) ?? {})) {
    validateSettingName(name)
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InputError('INVALID_CONFIG', `azdeploy.yml: env.${name} must be a string`, 'Quote the value')
    }
    out[name] = new Secret(value === null ? fromEnv(name, 'Setting') : String(value))
  }
  for (const item of flagEnv ?? []) {
    const eq = item.indexOf('=')
    const name = eq === -1 ? item : item.slice(0, eq)
    validateSettingName(name)
    out[name] = new Secret(eq === -1 ? fromEnv(name, '--env') : item.slice(eq + 1))
  }
  return out
}

export function resolveDeployConfig(
  flags: DeployFlags,
  env: Record<string, string | undefined>,
  file: ConfigFile,
): DeployConfig {
  const pick = <T>(flag: T | undefined, key: ConfigKey): {value: T | string | undefined; explicit: boolean} => {
    if (flag !== undefined) return {value: flag, explicit: true}
    const e = env[envName(key)]
    if (e !== undefined && e !== '') return {value: e, explicit: true}
    if (file[key] !== undefined) return {value: file[key] as T, explicit: true}
    return {value: undefined, explicit: false}
  }
  const str = (v: unknown) => (v === undefined ? undefined : String(v))

  const app = str(pick(flags.app, 'app').value)
  if (!app) {
    throw new InputError(
      'APP_REQUIRED',
      'No app name given',
      'Pass --app NAME, set AZDEPLOY_APP, or add app: NAME to azdeploy.yml',
    )
  }
  const appName = validateAppName(app)
  const rg = str(pick(flags['resource-group'], 'resourceGroup').value) ?? `${appName}-rg`
  const location = str(pick(flags.location, 'location').value)
  const plan = pick(flags.plan, 'plan')
  const skuPick = pick(flags.sku, 'sku')
  const sku = validateSku(str(skuPick.value) ?? DEFAULTS.sku)
  const instPick = pick(flags.instances, 'instances')
  const instances = validateInstances(instPick.value === undefined ? DEFAULTS.instances : Number(instPick.value), sku)
  const port = pick(flags.port, 'port').value
  const health = str(pick(flags['health-path'], 'healthPath').value)
  const timeout = pick(flags.timeout, 'timeout').value
  const registryAuth = str(pick(flags['registry-auth'], 'registryAuth').value) ?? 'auto'
  if (registryAuth !== 'auto' && registryAuth !== 'admin') {
    throw new InputError(
      'INVALID_REGISTRY_AUTH',
      `Registry auth '${registryAuth}' is not valid`,
      'Use --registry-auth auto (managed identity for ACR, the default) or --registry-auth admin (ACR admin user)',
    )
  }
  const cfg: DeployConfig = {
    app: appName,
    resourceGroup: validateResourceGroup(rg),
    planExplicit: plan.explicit,
    sku,
    skuExplicit: skuPick.explicit,
    instances,
    instancesExplicit: instPick.explicit,
    settings: parseSettings(flags.env, file.env, env),
    timeoutSec: timeout === undefined ? DEFAULTS.timeoutSec : validateTimeout(timeout as number | string),
    registryAuth,
  }
  if (location !== undefined) cfg.location = normalizeLocation(location)
  if (plan.value !== undefined) cfg.plan = validatePlanName(String(plan.value))
  const image = str(pick(flags.image, 'image').value)
  if (image !== undefined) {
    parseImageRef(image) // fail on a malformed reference before any sign-in or network call
    cfg.image = image
  }
  if (port !== undefined) cfg.port = validatePort(port as number | string)
  if (health !== undefined) cfg.healthPath = validateHealthPath(health)
  const registry = str(pick(flags.registry, 'registry').value)
  if (registry !== undefined) cfg.registry = registry
  const user = str(pick(flags['registry-username'], 'registryUsername').value)
  if (user !== undefined) cfg.registryUsername = user
  const sub = str(pick(flags.subscription, 'subscription').value)
  if (sub !== undefined) cfg.subscription = sub
  const cloud = str(pick(flags.cloud, 'cloud').value)
  if (cloud !== undefined) cfg.cloud = cloud
  return cfg
}

/** The app a read or delete command acts on: flags > AZDEPLOY_* > azdeploy.yml, like `up`. */
export function resolveAppTarget(
  flags: {app?: string; 'resource-group'?: string; subscription?: string; cloud?: string},
  env: Record<string, string | undefined>,
  file: ConfigFile,
): {app: string; resourceGroup: string; subscription?: string; cloud?: string} {
  const pick = (flag: string | undefined, key: ConfigKey) =>
    flag ?? (env[envName(key)] || undefined) ?? (file[key] as string | undefined)
  const app = pick(flags.app, 'app')
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
    resourceGroup: validateResourceGroup(pick(flags['resource-group'], 'resourceGroup') ?? `${name}-rg`),
  }
  const sub = pick(flags.subscription, 'subscription')
  if (sub) out.subscription = sub
  const cloud = pick(flags.cloud, 'cloud')
  if (cloud) out.cloud = cloud
  return out
}
