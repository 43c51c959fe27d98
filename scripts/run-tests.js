#!/usr/bin/env node
// Runs every compiled test file under build/test with node:test and ends with the line
// "N passed, N failed" (plus ", N skipped" when any were skipped). Exit status 1 when any failed.
// Usage: node scripts/run-tests.js [substring ...]   (only files whose path contains one of the substrings)
import {readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {run} from 'node:test'
import {spec} from 'node:test/reporters'

const root = new URL('../build/test/', import.meta.url).pathname
const filters = process.argv.slice(2)

function collect(dir) {
  const out = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...collect(p))
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const files = collect(root).filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
if (files.length === 0) {
  console.error('no test files found under build/test (did `npm run build:test` run?)')
  process.exit(1)
}

let passed = 0
let failed = 0
let skipped = 0
let todo = 0
// The per-file timeout: 120 s, or AZDEPLOY_TEST_FILE_TIMEOUT_MS (scripts/fault-matrix.js: the full matrix).
const timeout = Number(process.env.AZDEPLOY_TEST_FILE_TIMEOUT_MS) || 120_000
const stream = run({files, concurrency: 2, timeout})
stream.on('test:pass', (e) => {
  if (e.details?.type === 'suite') return
  if (e.skip || e.todo) skipped++
  else passed++
})
stream.on('test:fail', (e) => {
  if (e.details?.type === 'suite' && e.details?.error?.failureType !== 'hook') return
  // A failing `todo` test is a known gap, reported but not a failure (node:test's own rule).
  if (e.todo) todo++
  else failed++
})
const rendered = stream.compose(spec)
rendered.pipe(process.stdout, {end: false})
rendered.on('end', () => {
  const tail = `${skipped ? `, ${skipped} skipped` : ''}${todo ? `, ${todo} todo (known gaps, failing)` : ''}`
  process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`)
  process.exitCode = failed > 0 ? 1 : 0
})
