/**
 * The Action's inputs (INPUT_* variables, as the runner sets them: `INPUT_` + the name upper-cased, spaces as `_`,
 * hyphens kept) → the same input `azdeploy up` hands `runUp`, plus the sign-in variables the inputs stand for.
 */
import type {UpInput} from '../app/deploy.js'
import {shown} from '../core/display.js'
import {InputError} from '../core/errors.js'

type Env = Record<string, string | undefined>

/** Every input action.yml declares (a test keeps the two lists equal). */
export const ACTION_INPUTS = [
  'app',
  'resource-group',
  'location',
  'image',
  'dockerfile',
  'registry',
  'port',
  'env',
  'slot',
  'health-path',
  'timeout',
  'no-rollback',
  'client-id',
  'tenant-id',
  'subscription-id',
] as const
export type ActionInput = (typeof ACTION_INPUTS)[number]

/** An input's value, trimmed; an empty input is an absent one (the runner passes unset inputs as ''). */
export function input(env: Env, name: ActionInput): string | undefined {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim()
  return v ? v : undefined
}

/** YAML 1.2 core booleans, as actions/toolkit's getBooleanInput reads them. */
function booleanInput(env: Env, name: ActionInput): boolean | undefined {
  const v = input(env, name)
  if (v === undefined) return undefined
  if (/^(true|True|TRUE)$/.test(v)) return true
  if (/^(false|False|FALSE)$/.test(v)) return false
  throw new InputError(
    'INVALID_INPUT',
    `Input '${name}' must be true or false, got '${shown(v)}'`,
    `Write \`${name}: true\` or leave it out`,
  )
}

function integerInput(env: Env, name: ActionInput): number | undefined {
  const v = input(env, name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) {
    throw new InputError(
      'INVALID_INPUT',
      `Input '${name}' must be a whole number of seconds, got '${shown(v)}'`,
      `Write e.g. \`${name}: 300\``,
    )
  }
  return Number(v)
}

/** `env`: one NAME=VALUE (or NAME, taken from the step's environment) per line; blank lines and `#` lines skipped. */
export function settingLines(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  return lines.length > 0 ? lines : undefined
}

export interface ActionRun {
  up: UpInput
  /** Variables the sign-in reads, set from client-id / tenant-id. */
  env: Record<string, string>
}

/** Reads every input; a malformed one is an InputError naming it. */
export function readInputs(env: Env): ActionRun {
  const up: UpInput = {}
  const text = {
    app: 'app',
    'resource-group': 'resource-group',
    location: 'location',
    image: 'image',
    dockerfile: 'dockerfile',
    registry: 'registry',
    port: 'port',
    slot: 'slot',
    'health-path': 'health-path',
    'subscription-id': 'subscription',
  } as const
  for (const [name, key] of Object.entries(text) as Array<[ActionInput, keyof UpInput]>) {
    const v = input(env, name)
    if (v !== undefined) (up as Record<string, unknown>)[key] = v
  }
  const settings = settingLines(env['INPUT_ENV'])
  if (settings) up.env = settings
  const timeout = integerInput(env, 'timeout')
  if (timeout !== undefined) up.timeout = timeout
  const noRollback = booleanInput(env, 'no-rollback')
  if (noRollback !== undefined) up['no-rollback'] = noRollback
  // Nobody answers a prompt in a workflow: the inputs are the consent (a missing ACR is created).
  up.yes = true
  const signIn: Record<string, string> = {}
  const client = input(env, 'client-id')
  if (client) signIn['AZURE_CLIENT_ID'] = client
  const tenant = input(env, 'tenant-id')
  if (tenant) signIn['AZURE_TENANT_ID'] = tenant
  return {up, env: signIn}
}
