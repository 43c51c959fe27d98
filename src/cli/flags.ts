/**
 * Flags shared by several commands, defined once. The deploy-config flags (`--app`, `--resource-group`, …) are
 * made from core/config-definition.ts, so their name, short char, parser and help match azdeploy.yml and the JSON
 * Schema. A command may pass its own one-line summary where the flag means something narrower there.
 */
import {CONFIG_DEFINITION, type ConfigKey, type ConfigKeyDefinition, flagSummary} from '../core/config-definition.js'
import {Flags, type Interfaces} from './oclif.js'

type Def = typeof CONFIG_DEFINITION
type OclifFlagOf<D> = D extends {flagType: 'integer'}
  ? Interfaces.OptionFlag<number | undefined>
  : D extends {flagType: 'multiple'}
    ? Interfaces.OptionFlag<string[] | undefined>
    : Interfaces.OptionFlag<string | undefined>

/**
 * The oclif flag of one config key. `summary` replaces the definition's sentence; the `[default: …]` note stays
 * unless `noDefault` (where that default does not apply, e.g. the resource group of a registry `push` creates).
 */
export function configFlag<K extends ConfigKey>(
  key: K,
  summary?: string,
  opts: {noDefault?: boolean} = {},
): OclifFlagOf<Def[K]> {
  const d: ConfigKeyDefinition = CONFIG_DEFINITION[key]
  const text = opts.noDefault ? (summary ?? d.summary) : flagSummary(d, summary)
  const common = {summary: text, ...(d.char ? {char: d.char} : {})}
  if (d.flagType === 'integer') return Flags.integer(common) as OclifFlagOf<Def[K]>
  if (d.flagType === 'multiple') return Flags.string({...common, multiple: true}) as OclifFlagOf<Def[K]>
  return Flags.string(common) as OclifFlagOf<Def[K]>
}

export type DeployConfigFlags = {[K in ConfigKey as Def[K]['flag']]: OclifFlagOf<Def[K]>}

/** Every flag of `up` that maps to an azdeploy.yml key. */
export function deployConfigFlags(): DeployConfigFlags {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(CONFIG_DEFINITION) as ConfigKey[]) out[CONFIG_DEFINITION[key].flag] = configFlag(key)
  return out as DeployConfigFlags
}

/** The app a command acts on (`--app`, `-a`). */
export const appFlag = (summary = 'Web app name.') => configFlag('app', summary)
/** `--resource-group`, `-g` [default: <app>-rg]. */
export const resourceGroupFlag = (summary?: string, opts?: {noDefault?: boolean}) =>
  configFlag('resourceGroup', summary, opts)
/** `--subscription`, `-s` [default: AZURE_SUBSCRIPTION_ID, az default]. */
export const subscriptionFlag = (summary?: string) => configFlag('subscription', summary)
/** `--cloud` [default: AzureCloud]. */
export const cloudFlag = (summary?: string) => configFlag('cloud', summary)
/** `--location`, `-l`. */
export const locationFlag = (summary?: string) => configFlag('location', summary)

/** `--config FILE` of every command that reads azdeploy.yml. */
export const configFileFlag = () => Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'})

/** Registry credentials for a private non-ACR registry, and how the app pulls from ACR. */
export const registryUsernameFlag = (summary?: string) => configFlag('registryUsername', summary)
export const registryPasswordStdinFlag = () =>
  Flags.boolean({summary: 'Read the registry password from stdin (never pass it as a flag value).'})
export const registryAuthFlag = () => configFlag('registryAuth')

export interface BuildFlagSummaries {
  registry?: string
  from?: string
  dockerfile?: string
  context?: string
}

/** What to push when there is no --image: a Docker build (--dockerfile, --context, …) or a local image (--from). */
export function buildFlags(s: BuildFlagSummaries = {}) {
  return {
    registry: configFlag('registry', s.registry),
    from: Flags.string({
      summary:
        s.from ?? 'Push a local image instead of building: oci:DIR[:REF], oci-archive:PATH, docker-archive:PATH.',
    }),
    dockerfile: Flags.string({summary: s.dockerfile ?? 'Dockerfile to build. [default: <context>/Dockerfile]'}),
    context: Flags.string({summary: s.context ?? 'Build context directory. [default: .]'}),
    'build-arg': Flags.string({
      summary: 'Build argument NAME=VALUE, or NAME to take it from your environment. Repeatable.',
      multiple: true,
    }),
    target: Flags.string({summary: 'Build stage to stop at.'}),
  }
}

/** `--lock-wait SECONDS` of `up` and `rollback`: wait for another deploy's lock instead of failing with exit 6. */
export const lockWaitFlag = () =>
  Flags.integer({
    summary:
      'Wait up to this many seconds for a deploy lock held by someone else; the wait counts toward --timeout. [default: 0: fail at once, exit 6]',
    min: 0,
    max: 3600,
  })
