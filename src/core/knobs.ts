/**
 * Runtime knobs: AZDEPLOY_* variables that tune how azdeploy waits and retries (they are not deploy settings, which
 * live in config-definition.ts). Parsed and validated here only; a bad value is an InputError naming the variable.
 * Pure: the caller passes the environment. The README's "Runtime knobs" table lists the same entries.
 */
import {shown} from './display.js'
import {InputError} from './errors.js'

interface NumberKnob {
  readonly env: string
  readonly default: number
  readonly min: number
  readonly max: number
  readonly unit: 'ms' | 'count'
  readonly meaning: string
}

const HOUR_MS = 3_600_000

export const NUMBER_KNOBS = {
  pollIntervalMs: {
    env: 'AZDEPLOY_POLL_INTERVAL_MS',
    default: 250,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'First interval between health probes of the new container while `up` waits for it to serve.',
  },
  lroIntervalMs: {
    env: 'AZDEPLOY_LRO_INTERVAL_MS',
    default: 2000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'Interval between polls of a long-running ARM operation (plan, app, registry creation).',
  },
  rolePropagationMs: {
    env: 'AZDEPLOY_ROLE_PROPAGATION_MS',
    default: 600_000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning:
      'After a new AcrPull role assignment, how long an "unauthorized" image pull counts as the role still propagating (the app is restarted and `up` keeps waiting).',
  },
  pullRetryMs: {
    env: 'AZDEPLOY_PULL_RETRY_MS',
    default: 10_000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'First pause between those restarts (doubles, at most 60000).',
  },
  logGraceMs: {
    env: 'AZDEPLOY_LOG_GRACE_MS',
    default: 60_000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning:
      'How long after the write the platform log may show no new container start before an answering URL is reported "unproven".',
  },
  roleRetryMs: {
    env: 'AZDEPLOY_ROLE_RETRY_MS',
    default: 5000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'Interval between retries of a role assignment while a new identity replicates in Entra ID.',
  },
  armTimeoutMs: {
    env: 'AZDEPLOY_ARM_TIMEOUT_MS',
    default: 60_000,
    min: 1,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'Wall-clock deadline of one ARM request attempt (a server that accepts and never answers).',
  },
  retryAfterCapMs: {
    env: 'AZDEPLOY_RETRY_AFTER_CAP_MS',
    default: 60_000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    meaning: 'Longest `Retry-After` azdeploy obeys (ARM and registries); a longer one is cut and the cut reported.',
  },
  maxRetries: {
    env: 'AZDEPLOY_MAX_RETRIES',
    default: 3,
    min: 0,
    max: 20,
    unit: 'count',
    meaning: 'Retries of a failed ARM request (429, 5xx, connection errors).',
  },
  retryDelayMs: {
    env: 'AZDEPLOY_RETRY_DELAY_MS',
    default: 1000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'First delay before retrying an ARM request (doubles each retry).',
  },
  maxRetryDelayMs: {
    env: 'AZDEPLOY_MAX_RETRY_DELAY_MS',
    default: 30_000,
    min: 0,
    max: HOUR_MS,
    unit: 'ms',
    meaning: 'Longest delay between ARM request retries.',
  },
  logsPollMs: {
    env: 'AZDEPLOY_LOGS_POLL_MS',
    default: 500,
    min: 1,
    max: HOUR_MS,
    unit: 'ms',
    meaning: '`logs --follow`: first interval between reads of the log files (at most 2000 is used).',
  },
  logsPollMaxMs: {
    env: 'AZDEPLOY_LOGS_POLL_MAX_MS',
    default: 2000,
    min: 1,
    max: HOUR_MS,
    unit: 'ms',
    meaning: '`logs --follow`: longest interval between reads when nothing new arrives (at most 2000 is used).',
  },
  lockPollMs: {
    env: 'AZDEPLOY_LOCK_POLL_MS',
    default: 1000,
    min: 1,
    max: HOUR_MS,
    unit: 'ms',
    meaning: '`--lock-wait`: first interval between looks at a held deploy lock (doubles, at most 15 s).',
  },
  deadlineMs: {
    env: 'AZDEPLOY_DEADLINE_MS',
    default: 0,
    min: 0,
    max: 24 * HOUR_MS,
    unit: 'ms',
    meaning:
      'Overall deadline of a command without `--timeout` (`status`, `releases`, `logs` 10 min; `down` 30 min; `push` 60 min); 0 keeps those. At the deadline the command stops with exit 7.',
  },
} as const satisfies Record<string, NumberKnob>

/** Knobs that are text; documented with the numbers. */
export const TEXT_KNOBS = {
  configDir: {
    env: 'AZDEPLOY_CONFIG_DIR',
    default: '$XDG_CONFIG_HOME/azdeploy (~/.config/azdeploy)',
    meaning: 'Directory of login.json, the refresh token saved by `azdeploy login`, and of update-check.json.',
  },
  updateRegistry: {
    env: 'AZDEPLOY_UPDATE_REGISTRY',
    default: 'https://registry.npmjs.org',
    meaning:
      'npm registry asked (at most once a day, in the background, in a terminal only) for the newest azdeploy release.',
  },
} as const

export type Knobs = {readonly [K in keyof typeof NUMBER_KNOBS]: number} & {
  readonly configDir?: string
  readonly updateRegistry: string
}

function readNumber(k: NumberKnob, env: Record<string, string | undefined>): number {
  const raw = env[k.env]?.trim()
  if (raw === undefined || raw === '') return k.default
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(n) || n < k.min || n > k.max) {
    const what = k.unit === 'ms' ? 'milliseconds' : 'a count'
    throw new InputError(
      'INVALID_KNOB',
      `${k.env}='${shown(raw)}' is not valid: use a whole number of ${what} from ${k.min} to ${k.max}`,
      `Set ${k.env} to e.g. ${k.default} (the default), or unset it`,
    )
  }
  return n
}

/** All knobs from the environment, with defaults; throws on the first bad value. */
export function readKnobs(env: Record<string, string | undefined>): Knobs {
  const out: Record<string, number | string> = {}
  for (const [name, k] of Object.entries(NUMBER_KNOBS)) out[name] = readNumber(k, env)
  const dir = env[TEXT_KNOBS.configDir.env]
  if (dir !== undefined && dir !== '') {
    if (dir.includes('\0')) {
      throw new InputError(
        'INVALID_KNOB',
        `${TEXT_KNOBS.configDir.env} contains a NUL character`,
        `Set ${TEXT_KNOBS.configDir.env} to a directory path, or unset it`,
      )
    }
    out['configDir'] = dir
  }
  out['updateRegistry'] = readRegistry(env)
  return out as Knobs
}

function readRegistry(env: Record<string, string | undefined>): string {
  const k = TEXT_KNOBS.updateRegistry
  const raw = env[k.env]?.trim()
  if (raw === undefined || raw === '') return k.default
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    const shown = url && (url.username || url.password) ? 'a URL with credentials' : `'${raw}'`
    throw new InputError(
      'INVALID_KNOB',
      `${k.env}=${shown} is not valid: use an http(s) URL without credentials`,
      `Set ${k.env} to e.g. ${k.default} (the default), or unset it`,
    )
  }
  return raw
}
