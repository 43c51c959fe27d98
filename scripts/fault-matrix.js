#!/usr/bin/env node
// `npm run test:faults`: the whole fault matrix (test/e2e/fault-matrix.test.ts with AZDEPLOY_FAULT_MATRIX=full),
// then its table of outcomes (step × fault → exit code, time, re-run, converged). Exit status: the tests'.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'

const table = new URL('../.test-tmp/fault-matrix.txt', import.meta.url).pathname
rmSync(table, {force: true})
const run = spawnSync(process.execPath, [new URL('./run-tests.js', import.meta.url).pathname, 'e2e/fault-matrix'], {
  stdio: 'inherit',
  env: {...process.env, AZDEPLOY_FAULT_MATRIX: 'full', AZDEPLOY_TEST_FILE_TIMEOUT_MS: String(20 * 60_000)},
})
if (existsSync(table)) process.stdout.write(`\n${readFileSync(table, 'utf8')}`)
process.exit(run.status ?? 1)
