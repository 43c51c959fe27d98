// Fault kinds, their expected outcomes, the clean-error check and the outcome table of the fault matrix
// (fault-matrix.test.ts).
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'
import type {ProxyAnswer} from '../helpers/fault-proxy.js'
import type {TestRegistry} from '../helpers/registry.js'
import {type CliResult, describeRun} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'

export const KINDS = ['429', '500', '503', 'reset', 'hang', 'lro-failed', 'lro-canceled', 'lro-never'] as const
export type Kind = (typeof KINDS)[number]
export const isLro = (k: Kind) => k.startsWith('lro-')

/** Short bounds so that every case ends in seconds: a hung request, a capped Retry-After, a command deadline. */
export const ARM_TIMEOUT_MS = 1500
// Long enough that a loaded machine (2 cores, parallel cases) still reaches the faulted step before it passes.
export const DEADLINE_S = 8
/** The short deadline only where a case is meant to reach it; elsewhere a loaded machine must not. */
export const cutsAtDeadline = (kind: Kind, command: string) =>
  kind === 'lro-never' || (command === 'push' && kind === 'hang')
export const envFor = (kind: Kind, command: string) => ({
  AZDEPLOY_ARM_TIMEOUT_MS: String(ARM_TIMEOUT_MS),
  AZDEPLOY_RETRY_AFTER_CAP_MS: '50',
  AZDEPLOY_DEADLINE_MS: String(cutsAtDeadline(kind, command) ? DEADLINE_S * 1000 : 60_000),
  AZDEPLOY_POLL_INTERVAL_MS: '10',
})
export const RERUN_ENV = envFor('500', 'rerun')

/** What each fault must end in when the step does not absorb it. */
export const EXPECTED: Record<Kind, {exit: number; code?: RegExp}> = {
  '429': {exit: 0},
  '500': {exit: 0},
  '503': {exit: 0},
  reset: {exit: 0},
  hang: {exit: 4, code: /^ARM_TIMEOUT$/},
  'lro-failed': {exit: 4, code: /^AZURE_INTERNALSERVERERROR$/},
  'lro-canceled': {exit: 4, code: /^AZURE_OPERATION_CANCELED$/},
  'lro-never': {exit: 7, code: /^TIMEOUT$/},
}

/** A push fault as the registry proxy answers it. */
export function proxyAnswer(kind: Kind): ProxyAnswer {
  if (kind === 'reset') return 'reset'
  if (kind === 'hang') return 'hang'
  return {status: Number(kind), ...(kind === '429' ? {headers: {'retry-after': '1'}} : {})}
}

/** One case's outcome, for the table. */
export interface Row {
  command: string
  step: string
  kind: Kind
  exit: number
  error: string
  ms: number
  rerun: number
  converged: boolean
  /** The error line and its hint, as printed. */
  said: string
}

/** The error line and its hint, as printed. */
export const saidOf = (r: CliResult) =>
  r.stderr
    .split('\n')
    .filter((l) => /^(Error \(|Try: )/.test(l))
    .join(' / ')

/** Success, or exactly one `Error (CODE): …` with a `Try:` line and no stack trace. Returns the code. */
export function assertClean(r: CliResult, exit: number, code?: RegExp): string {
  assert.equal(r.code, exit, `expected exit ${exit}\n${describeRun(r)}`)
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace\n${describeRun(r)}`)
  if (exit === 0) return ''
  const errors = [...r.stderr.matchAll(/^Error \(([A-Z0-9_]+)\): /gm)].map((m) => m[1]!)
  assert.equal(errors.length, 1, `one error\n${describeRun(r)}`)
  assert.match(r.stderr, /^Try: \S/m, `a hint\n${describeRun(r)}`)
  if (code) assert.match(errors[0]!, code, describeRun(r))
  return errors[0]!
}

/** HEAD of a manifest (tag or digest) on a test registry: its status. */
export function manifestStatus(reg: TestRegistry, repo: string, ref: string, auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${reg.url}/v2/${repo}/manifests/${ref}`,
      {
        method: 'HEAD',
        ca: reg.ca,
        headers: {
          accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
          ...(auth ? {authorization: `Basic ${Buffer.from(auth).toString('base64')}`} : {}),
        },
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** Writes the table of outcomes to .test-tmp/fault-matrix.txt (scripts/fault-matrix.js prints it). */
export function writeTable(rows: readonly Row[], full: boolean): void {
  const sorted = [...rows].sort((a, b) => `${a.command}/${a.step}`.localeCompare(`${b.command}/${b.step}`))
  const lines = [
    `fault matrix (${full ? 'full' : 'subset'}): step × fault → exit (error code), time, re-run exit, converged`,
    '',
    `${'command'.padEnd(9)}${'step'.padEnd(17)}${'fault'.padEnd(14)}${'exit'.padEnd(28)}${'ms'.padStart(6)}  rerun  converged`,
    ...sorted.map(
      (r) =>
        `${r.command.padEnd(9)}${r.step.padEnd(17)}${r.kind.padEnd(14)}${`${r.exit}${r.error ? ` ${r.error}` : ''}`.padEnd(28)}${String(Math.round(r.ms)).padStart(6)}  ${String(r.rerun).padEnd(5)}  ${r.converged ? 'yes' : 'NO'}`,
    ),
    '',
    ...sorted.filter((r) => r.said).map((r) => `${r.command} ${r.step} × ${r.kind}: ${r.said}`),
  ]
  const dir = join(repoRoot(), '.test-tmp')
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'fault-matrix.txt'), `${lines.join('\n')}\n`)
}
