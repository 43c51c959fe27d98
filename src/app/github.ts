/**
 * The GitHub Actions side of a run, for every entry point (the Action, and `azdeploy up` in a plain `run:` step):
 * which values to mask, and the step outputs (GITHUB_OUTPUT) and job summary (GITHUB_STEP_SUMMARY) files, written
 * whenever the runner set them.
 */
import {randomBytes} from 'node:crypto'
import {appendFile} from 'node:fs/promises'
import type {ConfigFile} from '../core/config.js'
import type {AzdeployError} from '../core/errors.js'
import {isSecretSettingName} from '../core/redact.js'
import {SECRET_ENV, type Secret} from '../core/secret.js'
import {outputRecords} from '../output/github.js'
import {type DeployReport, deployOutputs, deploySummary, failureSummary} from '../output/github-summary.js'
import type {Reporter} from '../output/reporter.js'
import type {DeployOutcome} from '../services/deploy.js'

type Env = Record<string, string | undefined>

/**
 * The secret values a deploy holds: the registry password, credentials from the environment, each app setting
 * whose value comes from an environment variable (`--env NAME` / an `env` input line without `=`, or `NAME: null`
 * in azdeploy.yml), and each setting written literally under a credential-like name (`isSecretSettingName`).
 */
export function secretsOfRun(
  flagEnv: string[] | undefined,
  file: ConfigFile,
  env: Env,
  password: Secret | undefined,
  settings: Record<string, Secret> = {},
): string[] {
  const names = new Set<string>(SECRET_ENV)
  for (const item of flagEnv ?? []) if (!item.includes('=')) names.add(item)
  const fileEnv = (file.env ?? {}) as Record<string, unknown>
  for (const [name, value] of Object.entries(fileEnv)) if (value === null) names.add(name)
  const values = [...names].map((n) => env[n]).filter((v): v is string => Boolean(v))
  if (password) values.push(password.reveal())
  for (const [name, value] of Object.entries(settings)) if (isSecretSettingName(name)) values.push(value.reveal())
  return values
}

/** Announces each value to the reporter's mask (a no-op outside GitHub Actions). */
export function maskAll(reporter: Reporter, values: Iterable<string>): void {
  for (const v of values) reporter.mask(v)
}

/**
 * The report of a deploy's outcome. Reads `release` and, once the release history fills it, `previousRelease`
 * (the release that was current before this one); absent, the `previous-release` output is empty.
 */
export function reportOf(o: DeployOutcome, slot?: string): DeployReport {
  const extra = o as DeployOutcome & {previousRelease?: number | string | null}
  return {
    app: o.app,
    resourceGroup: o.resourceGroup,
    ...(slot ? {slot} : {}),
    url: o.url,
    image: o.image,
    digest: o.digest,
    release: o.release,
    previousRelease: extra.previousRelease ?? null,
    changed: o.changed,
    dryRun: o.dryRun,
    changes: o.changes,
    health: o.health,
    ...(o.healthEvidence ? {healthEvidence: o.healthEvidence} : {}),
    timings: o.timings,
  }
}

/**
 * Announces the ARM token sign-in already fetched (re-read from the chain's cache, no new request) before the
 * first stage starts: the context registers every token its credential hands out (`secrets` of createAzureContext).
 */
export async function maskContextTokens(ctx: {
  credential: {getToken(scope: string): Promise<{token: string} | null>}
  cloud: {armScope: string}
}): Promise<void> {
  await ctx.credential.getToken(ctx.cloud.armScope).catch(() => undefined)
}

const delimiter = () => `azdeploy_${randomBytes(16).toString('hex')}`

/** Appends the outputs and the summary of a deploy to the runner's files, when set. Returns what it wrote to. */
export async function publishDeploy(report: DeployReport, env: Env): Promise<string[]> {
  const written: string[] = []
  const outputFile = env['GITHUB_OUTPUT']
  if (outputFile) {
    await appendFile(outputFile, outputRecords(deployOutputs(report), delimiter))
    written.push('GITHUB_OUTPUT')
  }
  const summaryFile = env['GITHUB_STEP_SUMMARY']
  if (summaryFile) {
    await appendFile(summaryFile, deploySummary(report))
    written.push('GITHUB_STEP_SUMMARY')
  }
  return written
}

/** A failed deploy's summary (no outputs: a failed step has none to give), scrubbed by `redact`. */
export async function publishFailure(
  error: AzdeployError,
  env: Env,
  stage?: string,
  redact: (text: string) => string = (t) => t,
): Promise<void> {
  const summaryFile = env['GITHUB_STEP_SUMMARY']
  if (!summaryFile) return
  const hint = error.hint === undefined ? undefined : redact(error.hint)
  await appendFile(
    summaryFile,
    failureSummary({code: error.code, message: redact(error.message), hint, ...(stage ? {stage} : {})}),
  )
}
