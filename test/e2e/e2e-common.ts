// Shared assertions for the end-to-end tests: look resources up in the emulator's state and summarise its request log.
import assert from 'node:assert/strict'
import type {ArmEmulator} from '../emulator/index.js'
import {isReadRequest} from '../emulator/index.js'
import type {Plan, SiteRecord} from '../emulator/state.js'
import {type CliResult, describeRun} from '../helpers/run-cli.js'

export const SUB = '00000000-0000-0000-0000-000000000001'
export const ACR_PULL_ROLE = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

export function site(em: ArmEmulator, rg: string, app: string): SiteRecord | undefined {
  return em.state.sites.get(
    `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.web/sites/${app}`.toLowerCase(),
  )
}

export function mustSite(em: ArmEmulator, rg: string, app: string): SiteRecord {
  const s = site(em, rg, app)
  assert.ok(s, `site ${rg}/${app} does not exist in the emulator`)
  return s
}

export function plan(em: ArmEmulator, rg: string, name: string): Plan | undefined {
  return em.state.plans.get(
    `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.web/serverfarms/${name}`.toLowerCase(),
  )
}

export function hasGroup(em: ArmEmulator, rg: string): boolean {
  return em.state.resourceGroups.has(`/subscriptions/${SUB}/resourcegroups/${rg}`.toLowerCase())
}

const TAG_WRITE = /\/providers\/microsoft\.resources\/tags\/default$/

/** Every write in the request log as `METHOD path` (path relative to the subscription, lower-cased). */
export function allWrites(em: ArmEmulator): string[] {
  return em.requests
    .filter((e) => !isReadRequest(e))
    .map((e) => `${e.method} ${e.path.toLowerCase().replace(`/subscriptions/${SUB}`, '')}`)
}

/**
 * Resource writes: every write but the release-history and deploy-lock tag writes (ARM Tags API metadata that
 * restarts nothing; tagWrites lists them). A no-op `up` makes neither: assertNoWrites checks both.
 */
export function writeLog(em: ArmEmulator): string[] {
  return allWrites(em).filter((w) => !TAG_WRITE.test(w))
}

export function tagWrites(em: ArmEmulator): string[] {
  return allWrites(em).filter((w) => TAG_WRITE.test(w))
}

export function requestLog(em: ArmEmulator): string {
  return em.requests.map((e) => `${e.status} ${e.method} ${e.path}`).join('\n')
}

export function assertExit(r: CliResult, code: number): void {
  assert.equal(r.code, code, `expected exit ${code}\n${describeRun(r)}`)
}

export function assertNoWrites(em: ArmEmulator, r?: CliResult): void {
  assert.deepEqual(allWrites(em), [], `expected zero ARM writes${r ? `\n${describeRun(r)}` : ''}`)
}

/** Asserts no resource was written twice (one write per resource). */
export function assertOneWritePerResource(em: ArmEmulator): void {
  const writes = writeLog(em).map((w) => w.split(' ')[1])
  const dup = writes.filter((p, i) => writes.indexOf(p) !== i)
  assert.deepEqual(dup, [], `resources written more than once:\n${requestLog(em)}`)
}

/** The single `--json` error document: {error: {code, message, hint?, exitCode}}. */
export interface ErrorDoc {
  error: {code: string; message: string; hint?: string; exitCode: number}
}

/** `up` for a new app in the emulator: --app, its own resource group rg-<app>, westeurope, the image, then extras. */
export function upArgs(app: string, image: string, ...extra: string[]): string[] {
  return ['up', '--app', app, '-g', `rg-${app}`, '-l', 'westeurope', '--image', image, ...extra]
}
