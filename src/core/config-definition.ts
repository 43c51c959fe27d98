/**
 * The deploy settings, defined once. Each key of azdeploy.yml (camelCase) is also an `up` flag (kebab-case) and an
 * AZDEPLOY_* environment variable. From this table come: the oclif flags (src/cli/flags.ts), the file checks and
 * the defaults (core/config.ts), and schemas/azdeploy.schema.json (core/config-schema.ts, `npm run schema`).
 * Pure data: no oclif, no I/O.
 */
import {CLOUD_NAMES} from './cloud.js'
import {
  APP_NAME,
  HEALTH_PATH,
  LINUX_SKU_NAMES,
  PLAN_NAME,
  RESOURCE_GROUP_NAME,
  SETTING_NAME,
  SLOT_NAME,
} from './validate.js'

/** Most settings azdeploy.yml may hold under `env` (App Service itself allows far fewer in practice). */
export const MAX_SETTINGS = 1000

export interface ConfigKeyDefinition {
  /** The `up` flag: kebab-case of the key. */
  readonly flag: string
  readonly char?: 'a' | 'g' | 'l' | 's'
  /** Type in azdeploy.yml: a string, a whole number, or the `env` mapping NAME: value. */
  readonly type: 'string' | 'integer' | 'settings'
  /** How oclif parses the flag: as text (azdeploy validates it), a whole number, or a repeatable text. */
  readonly flagType: 'string' | 'integer' | 'multiple'
  /** One sentence for the flag's help (and the schema, unless fileSummary is given). */
  readonly summary: string
  /** Description in the schema when the file form differs from the flag. */
  readonly fileSummary?: string
  /** The default value (also the schema's `default`). */
  readonly default?: string | number
  /** A default that depends on other settings, described in words. */
  readonly defaultText?: string
  /** Of the value (for `env`: of each setting name). */
  readonly pattern?: string
  readonly enum?: readonly string[]
  readonly minimum?: number
  readonly maximum?: number
  readonly maxLength?: number
}

export const CONFIG_DEFINITION = {
  app: {
    flag: 'app',
    char: 'a',
    type: 'string',
    flagType: 'string',
    summary: 'Web app name (global: it becomes <app>.azurewebsites.net).',
    fileSummary: 'Web app name: 2-60 letters, digits and hyphens (global: it becomes <app>.azurewebsites.net).',
    pattern: APP_NAME.source,
  },
  resourceGroup: {
    flag: 'resource-group',
    char: 'g',
    type: 'string',
    flagType: 'string',
    summary: 'Resource group.',
    defaultText: '<app>-rg',
    pattern: RESOURCE_GROUP_NAME.source,
    maxLength: 90,
  },
  location: {
    flag: 'location',
    char: 'l',
    type: 'string',
    flagType: 'string',
    summary: 'Azure region for new resources, e.g. westeurope.',
  },
  plan: {
    flag: 'plan',
    type: 'string',
    flagType: 'string',
    summary: 'App Service plan name.',
    defaultText: "the app's plan, else <app>-plan",
    pattern: PLAN_NAME.source,
  },
  sku: {
    flag: 'sku',
    type: 'string',
    flagType: 'string',
    summary: 'Plan SKU (Linux): F1, B1-B3, S1-S3, P0v3-P3v3, …',
    fileSummary: 'Linux plan SKU.',
    default: 'B1',
    enum: LINUX_SKU_NAMES,
  },
  instances: {
    flag: 'instances',
    type: 'integer',
    flagType: 'integer',
    summary: 'Number of plan instances.',
    default: 1,
    minimum: 1,
    maximum: 100,
  },
  image: {
    flag: 'image',
    type: 'string',
    flagType: 'string',
    summary: 'Image to deploy: REGISTRY/REPOSITORY[:TAG][@DIGEST].',
  },
  port: {
    flag: 'port',
    type: 'integer',
    flagType: 'string',
    summary: 'Port the container listens on (WEBSITES_PORT).',
    defaultText: "the image's EXPOSE",
    minimum: 1,
    maximum: 65535,
  },
  env: {
    flag: 'env',
    type: 'settings',
    flagType: 'multiple',
    summary: 'App setting NAME=VALUE, or NAME to take the value from your environment. Repeatable.',
    fileSummary:
      'App settings NAME: value. A null value takes the value from the environment variable of the same name.',
    /** Of the setting names. */
    pattern: SETTING_NAME.source,
    maxLength: 256,
  },
  healthPath: {
    flag: 'health-path',
    type: 'string',
    flagType: 'string',
    summary: 'Path that must answer 2xx/3xx, e.g. /healthz (also set as App Service health check).',
    pattern: HEALTH_PATH.source,
    maxLength: 512,
  },
  slot: {
    flag: 'slot',
    type: 'string',
    flagType: 'string',
    summary:
      'Deploy to this deployment slot (created if missing; Standard plan or higher), prove it serves, then swap it into production.',
    pattern: SLOT_NAME.source,
    maxLength: 59,
  },
  timeout: {
    flag: 'timeout',
    type: 'integer',
    flagType: 'integer',
    summary:
      'Deadline in seconds for everything the deploy waits on in Azure (writes and their long-running operations, the deploy lock, the new container serving); exit 7 when it passes.',
    default: 300,
    minimum: 1,
    maximum: 3600,
  },
  keepReleases: {
    flag: 'keep-releases',
    type: 'integer',
    flagType: 'integer',
    summary: 'Releases to keep in the history on the web app (tags; the current one is always kept).',
    default: 20,
    minimum: 1,
    maximum: 30,
  },
  registry: {
    flag: 'registry',
    type: 'string',
    flagType: 'string',
    summary: 'Without --image: build ./Dockerfile (or --from) and push to this ACR; created with --yes if missing.',
    fileSummary:
      'Azure Container Registry name to build and push to when no image is given (the repository is the app name).',
  },
  registryUsername: {
    flag: 'registry-username',
    type: 'string',
    flagType: 'string',
    summary: 'User for a private non-ACR registry (password: AZDEPLOY_REGISTRY_PASSWORD).',
  },
  registryAuth: {
    flag: 'registry-auth',
    type: 'string',
    flagType: 'string',
    summary: 'How the app pulls from ACR: auto (managed identity) or admin.',
    default: 'auto',
    enum: ['auto', 'admin'],
  },
  subscription: {
    flag: 'subscription',
    char: 's',
    type: 'string',
    flagType: 'string',
    summary: 'Subscription id or name.',
    defaultText: 'AZURE_SUBSCRIPTION_ID, az default',
  },
  cloud: {
    flag: 'cloud',
    type: 'string',
    flagType: 'string',
    summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment.',
    default: 'AzureCloud',
    enum: CLOUD_NAMES,
  },
} as const satisfies Record<string, ConfigKeyDefinition>

export type ConfigKey = keyof typeof CONFIG_DEFINITION
export const CONFIG_KEYS = Object.keys(CONFIG_DEFINITION) as ConfigKey[]

/** The definition of a key, widened to the interface (so optional fields can be read). */
export const definitionOf = (key: ConfigKey): ConfigKeyDefinition => CONFIG_DEFINITION[key]

type Def = typeof CONFIG_DEFINITION
type FlagValue<D> = D extends {flagType: 'integer'} ? number : D extends {flagType: 'multiple'} ? string[] : string

/** The `up` flags that map to config keys, as parsed: {'resource-group'?: string, instances?: number, …}. */
export type DeployFlags = {[K in ConfigKey as Def[K]['flag']]?: FlagValue<Def[K]>}

/** Default, in words, for help text: the value, else the described one. */
export function defaultDescription(d: ConfigKeyDefinition): string | undefined {
  return d.default !== undefined ? String(d.default) : d.defaultText
}

/** `summary [default: …]`: the flag help of a key. */
export function flagSummary(d: ConfigKeyDefinition, summary = d.summary): string {
  const dflt = defaultDescription(d)
  return dflt === undefined ? summary : `${summary} [default: ${dflt}]`
}
