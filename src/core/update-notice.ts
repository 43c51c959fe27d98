/**
 * The update notice (pure rules): at most one registry look-up a day, made after a command finished, by a detached
 * child; the next run shows what it found. Only for a person at a terminal: never in CI, GitHub Actions, --json, or
 * with AZDEPLOY_NO_UPDATE_NOTIFIER set. `--help` never reaches it (it runs no command).
 */

export const UPDATE_CHECK_EVERY_MS = 24 * 3_600_000
export const UPDATE_CACHE_FILE = 'update-check.json'
/** The opt-out (any non-empty value). */
export const NO_UPDATE_NOTIFIER_ENV = 'AZDEPLOY_NO_UPDATE_NOTIFIER'

export interface UpdateCache {
  /** When the registry was last asked (ms since the epoch), whether or not it answered. */
  checkedAt: number
  /** dist-tags.latest, when it answered. */
  latest?: string
}

const set = (v: string | undefined) => v !== undefined && v !== '' && v !== 'false'

export function updateNoticeAllowed(mode: 'human' | 'ci' | 'json', env: Record<string, string | undefined>): boolean {
  return mode === 'human' && !set(env['CI']) && !set(env['GITHUB_ACTIONS']) && !env[NO_UPDATE_NOTIFIER_ENV]
}

const RELEASE = /^v?(\d+)\.(\d+)\.(\d+)$/

/** Whether `latest` is a newer release than `current` (x.y.z only; a pre-release is never offered). */
export function isNewer(latest: string, current: string): boolean {
  const a = RELEASE.exec(latest.trim())
  const b = /^v?(\d+)\.(\d+)\.(\d+)/.exec(current.trim())
  if (!a || !b) return false
  for (let i = 1; i <= 3; i++) {
    const d = Number(a[i]) - Number(b[i])
    if (d !== 0) return d > 0
  }
  return false
}

/** A look-up is due without a cache, a day after the last one, or when the clock went back. */
export function checkDue(cache: UpdateCache | undefined, now: number): boolean {
  return !cache || now - cache.checkedAt >= UPDATE_CHECK_EVERY_MS || cache.checkedAt > now
}

export function parseUpdateCache(text: string): UpdateCache | undefined {
  try {
    const v = JSON.parse(text) as {checkedAt?: unknown; latest?: unknown}
    if (typeof v.checkedAt !== 'number' || !Number.isFinite(v.checkedAt)) return undefined
    return {
      checkedAt: v.checkedAt,
      ...(typeof v.latest === 'string' && RELEASE.test(v.latest) ? {latest: v.latest} : {}),
    }
  } catch {
    return undefined
  }
}

/** `azdeploy 0.2.0 is available: npm i -g azdeploy`, or undefined when nothing newer is known. */
export function updateNotice(name: string, current: string, cache: UpdateCache | undefined): string | undefined {
  if (!cache?.latest || !isNewer(cache.latest, current)) return undefined
  return `${name} ${cache.latest} is available: npm i -g ${name}`
}

/** The registry's dist-tags document of a package: `<registry>/-/package/<name>/dist-tags`. */
export function distTagsUrl(registry: string, name: string): string {
  return `${registry.replace(/\/+$/, '')}/-/package/${name.replace('/', '%2f')}/dist-tags`
}
