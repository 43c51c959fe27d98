/**
 * The two inputs of deploy settings that are checked before they are merged (config.ts): the parsed azdeploy.yml
 * (known keys, each of its defined type, a bounded `env`) and the app settings of `--env` and `env:`. Pure.
 */
import {CONFIG_DEFINITION, CONFIG_KEYS, type ConfigKey, MAX_SETTINGS} from './config-definition.js'
import {shown} from './display.js'
import {InputError} from './errors.js'
import {Secret} from './secret.js'
import {validateSettingName} from './validate.js'

export type ConfigFile = Partial<Record<ConfigKey, unknown>>

const SCHEMA_HINT = 'See schemas/azdeploy.schema.json'

/** Checks the parsed azdeploy.yml: known keys only, each of the type its definition gives. */
export function checkConfigFile(raw: unknown, path: string): ConfigFile {
  if (raw === null || raw === undefined) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('INVALID_CONFIG', `${path} must be a mapping of keys to values`, SCHEMA_HINT)
  }
  const out: ConfigFile = {}
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '$schema') continue
    if (!Object.hasOwn(CONFIG_DEFINITION, key)) {
      const near = CONFIG_KEYS.find((k) => k.toLowerCase() === key.replace(/[-_]/g, '').toLowerCase())
      throw new InputError(
        'INVALID_CONFIG',
        `${path}: unknown key '${shown(key)}'`,
        near ? `Did you mean '${near}'?` : `Known keys: ${CONFIG_KEYS.join(', ')}`,
      )
    }
    const k = key as ConfigKey
    const type = CONFIG_DEFINITION[k].type
    if (type === 'settings') checkSettings(value, path)
    else if (typeof value !== (type === 'integer' ? 'number' : 'string')) {
      throw new InputError(
        'INVALID_CONFIG',
        `${path}: '${key}' must be a ${type === 'integer' ? 'number' : 'string'}, got ${shown(value)}`,
        SCHEMA_HINT,
      )
    }
    out[k] = value
  }
  return out
}

function checkSettings(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      'INVALID_CONFIG',
      `${path}: 'env' must be a mapping NAME: value`,
      'e.g. env: {LOG_LEVEL: info}',
    )
  }
  const count = Object.keys(value).length
  if (count > MAX_SETTINGS) {
    throw new InputError(
      'CONFIG_TOO_LARGE',
      `${path}: 'env' has ${count} settings, more than the ${MAX_SETTINGS} azdeploy accepts`,
      'Keep the app settings under 1,000 (App Service allows far fewer), e.g. move data into a file or Key Vault',
    )
  }
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
      throw new InputError(
        'INVALID_CONFIG',
        `azdeploy.yml: env.${name} must be a string, got ${shown(value)}`,
        'Quote the value',
      )
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
