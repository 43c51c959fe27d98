/**
 * Run as `node update-check-child.js <dist-tags URL> <cache file>` by update-check.ts, detached: GET the
 * registry's dist-tags (5 s at most), then write the cache (checkedAt, and latest when it answered) atomically.
 * Any failure still records checkedAt, so an offline machine asks once a day, not on every run.
 */
import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import type {UpdateCache} from '../../core/update-notice.js'

const TIMEOUT_MS = 5000

async function latestOf(url: string): Promise<string | undefined> {
  const res = await fetch(url, {signal: AbortSignal.timeout(TIMEOUT_MS), headers: {accept: 'application/json'}})
  if (!res.ok) return undefined
  const body = (await res.json()) as {latest?: unknown}
  return typeof body.latest === 'string' ? body.latest : undefined
}

async function main(url: string | undefined, file: string | undefined): Promise<void> {
  if (!url || !file) return
  const latest = await latestOf(url).catch(() => undefined)
  const cache: UpdateCache = {checkedAt: Date.now(), ...(latest ? {latest} : {})}
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(cache)}\n`, {mode: 0o600})
  renameSync(tmp, file)
}

await main(process.argv[2], process.argv[3]).catch(() => {})
