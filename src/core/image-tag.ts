/**
 * The tag `push` gives a build when none is named: the git short SHA (`-dirty` when the work tree has changes),
 * else a UTC timestamp `YYYYMMDD-HHMMSS`. Never `latest`. Pure: the git lookups live in adapters/docker-cli.ts.
 */
export interface GitState {
  /** `git rev-parse --short HEAD`, undefined outside a repository or without commits. */
  shortSha?: string
  dirty?: boolean
}

export function timestampTag(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const d = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`
  return `${d}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
}

export function defaultImageTag(git: GitState | undefined, now: Date): string {
  const sha = git?.shortSha?.trim()
  if (sha && /^[0-9a-f]{4,40}$/.test(sha)) return git?.dirty ? `${sha}-dirty` : sha
  return timestampTag(now)
}
