#!/usr/bin/env node
// Benchmarks of the BUILT CLI. Needs `npm run build && npm run build:test` first (the up benchmarks use the ARM
// emulator and registry helpers compiled under build/test). Prints a table and writes bench-results.json.
//
// 1. Start-up: median wall time of `azdeploy --help` and `azdeploy up --help` (RUNS spawns each) against bare
//    `node -e 0`, and a check (one run each, with a module.register loader hook plus a CommonJS Module._load hook)
//    that no @azure/* module is loaded. Target: median <= 0.25 s.
// 2. `up` against the in-process emulator with 100 ms latency and a local registry image: fresh (--no-wait) and
//    no-op (identical re-run) - ARM requests, reads/writes, sequential round trips (longest chain of requests each
//    starting after the previous one's response), wall time. Targets: fresh <= 1.5 s, no-op <= 0.8 s, no-op <= 4
//    reads and 0 writes.
// 3. Releases: fresh `up` WITH the health wait (the emulated container answers at once), an `up` of a second image
//    (release 2), and `rollback --yes` to release 1 (lock, release records, health wait) - wall time and ARM
//    requests per command, 100 ms latency. Reported, no target.
// 4. Redaction: median time of the run-wide redactor (dist/core/redact.js, 20 registered secrets) over one 200 KB
//    container log line (plain text, and one built to make a backtracking pattern rescan its runs) and a 2 MB one:
//    every reporter line, `logs` line and `up --local` build/container line goes through it. Target: <= 50 ms per
//    200 KB line.
// Loopback only; every server it starts is stopped at the end.
// Usage: node scripts/bench.js [--runs N] [--up-runs N] [--skip-up]
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'bin', 'run.js')
const arg = (name, d) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : d
}
const RUNS = arg('--runs', 15)
const UP_RUNS = arg('--up-runs', 5)
const HELP_TARGET_MS = 250
const LATENCY_MS = 100
const FRESH_TARGET_MS = 1500
const NOOP_TARGET_MS = 800
const NOOP_MAX_READS = 4
const REDACT_TARGET_MS = 50

const tmpBase = join(ROOT, '.test-tmp')
mkdirSync(tmpBase, {recursive: true})
const work = mkdtempSync(join(tmpBase, 'bench-'))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const round = (x) => Math.round(x * 10) / 10

/** A clean environment: no AZURE_*, AZDEPLOY_* or NODE_OPTIONS from the parent. */
function baseEnv(extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    AZDEPLOY_CONFIG_DIR: work,
    CI: 'true',
    NO_COLOR: '1',
    ...extra,
  }
}

function spawnTimed(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, {env, cwd: work, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      err += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, ms: performance.now() - t0, stdout: out, stderr: err})
    })
  })
}

// --- module-load probe (the same one the start-up tests use) ----------------------------------------------------
async function loadedModules(args) {
  const probe = join(ROOT, 'build', 'test', 'helpers', 'module-probe.js')
  if (!existsSync(probe)) return {code: 1, total: 0, azure: ['(run `npm run build:test` for the module probe)']}
  const {loadedModules: probeRun} = await import(pathToFileURL(probe).href)
  const r = await probeRun(work, CLI, args, baseEnv())
  const azure = [...new Set(r.modules.filter((l) => /[\\/]node_modules[\\/]@azure[\\/]/.test(l)))]
  return {code: r.code, total: r.modules.length, azure}
}

async function helpBench() {
  const cases = [
    {name: 'node -e 0', args: ['-e', '0'], probe: false},
    {name: 'azdeploy --help', args: [CLI, '--help'], probe: true},
    {name: 'azdeploy up --help', args: [CLI, 'up', '--help'], probe: true},
  ]
  const out = []
  for (const c of cases) {
    await spawnTimed(c.args, baseEnv()) // warm the file-system cache
    const times = []
    let code = 0
    for (let i = 0; i < RUNS; i++) {
      const r = await spawnTimed(c.args, baseEnv())
      times.push(r.ms)
      code ||= r.code
    }
    const row = {
      name: c.name,
      runs: RUNS,
      medianMs: round(median(times)),
      minMs: round(Math.min(...times)),
      exitCode: code,
    }
    if (c.probe) {
      const loads = await loadedModules(c.args.slice(1))
      row.modulesLoaded = loads.total
      row.azureModules = loads.azure
      row.pass = code === 0 && row.medianMs <= HELP_TARGET_MS && loads.azure.length === 0 && loads.total > 0
    }
    out.push(row)
  }
  return out
}

// --- up against the emulator -----------------------------------------------------------------------------------
/** Longest chain of requests in which each one arrived after the previous one's response was sent. */
function sequentialRoundTrips(requests, latencyMs) {
  const reqs = [...requests].sort((a, b) => a.at - b.at)
  const depth = []
  let best = 0
  for (let i = 0; i < reqs.length; i++) {
    let d = 1
    for (let j = 0; j < i; j++) {
      // Response j left the emulator at ~at_j + latency (the emulator answers at once, then waits latencyMs).
      if (reqs[j].at + latencyMs <= reqs[i].at) d = Math.max(d, depth[j] + 1)
    }
    depth.push(d)
    best = Math.max(best, d)
  }
  return best
}

async function upBench() {
  const build = join(ROOT, 'build', 'test')
  const need = ['emulator/index.js', 'helpers/registry.js', 'helpers/oci-images.js', 'helpers/run-cli.js']
  const missing = need.filter((f) => !existsSync(join(build, f)))
  if (missing.length) return {skipped: `build/test is missing ${missing.join(', ')}: run \`npm run build:test\``}
  if (!existsSync(join(ROOT, 'dist', 'commands', 'up.js'))) return {skipped: 'dist/commands/up.js is missing'}
  const imp = (f) => import(pathToFileURL(join(build, f)).href)
  const {startArmEmulator, isReadRequest} = await imp('emulator/index.js')
  const {startRegistry} = await imp('helpers/registry.js')
  const {seedTestImages, buildImage, pushImage} = await imp('helpers/oci-images.js')
  const {runCli} = await imp('helpers/run-cli.js')

  const em = await startArmEmulator({latencyMs: LATENCY_MS})
  let registry
  try {
    registry = await startRegistry()
    const seeded = await seedTestImages({url: registry.url, ca: registry.ca})
    await pushImage(
      {url: registry.url, ca: registry.ca},
      seeded.repo,
      'v2',
      buildImage({exposedPorts: ['8080/tcp'], cmd: ['node', 'v2.js']}),
    )
    const image = `${registry.host}/team/app:single`
    const image2 = `${registry.host}/team/app:v2`
    const arm = {url: em.url, caCertPath: em.caCertPath}
    const azLog = join(work, 'az-calls.log')
    const measure = async (args) => {
      em.resetLog()
      writeFileSync(azLog, '')
      const r = await runCli(args, {arm, env: {FAKE_AZ_LOG: azLog}})
      if (r.code !== 0) throw new Error(`azdeploy ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
      const log = [...em.requests]
      return {
        ms: r.ms,
        requests: log.length,
        reads: log.filter(isReadRequest).length,
        writes: log.filter((e) => !isReadRequest(e)).length,
        roundTrips: sequentialRoundTrips(log, LATENCY_MS),
        // Each is a process spawn (about 0.5-1 s with the real, Python-based az).
        azCalls: readFileSync(azLog, 'utf8').split('\n').filter(Boolean).length,
      }
    }
    const fresh = []
    const noop = []
    const freshWait = []
    const update = []
    const rollback = []
    for (let i = 0; i < UP_RUNS; i++) {
      const app = `bench-${process.pid}-${i}`
      const args = ['up', '--app', app, '-g', `rg-${app}`, '-l', 'westeurope', '--image', image, '--port', '8080']
      fresh.push(await measure([...args, '--no-wait']))
      noop.push(await measure(args))
      const rel = `benchr-${process.pid}-${i}`
      const up = (img) => ['up', '--app', rel, '-g', `rg-${rel}`, '-l', 'westeurope', '--image', img, '--port', '8080']
      freshWait.push(await measure(up(image)))
      update.push(await measure(up(image2)))
      rollback.push(await measure(['rollback', '--app', rel, '-g', `rg-${rel}`, '--yes']))
    }
    const summary = (runs, targetMs, extra) => {
      const pick = (k) => median(runs.map((r) => r[k]))
      const row = {
        runs: runs.length,
        medianMs: round(pick('ms')),
        requests: pick('requests'),
        reads: pick('reads'),
        writes: pick('writes'),
        roundTrips: pick('roundTrips'),
        azCalls: pick('azCalls'),
        maxReads: Math.max(...runs.map((r) => r.reads)),
        maxWrites: Math.max(...runs.map((r) => r.writes)),
        targetMs,
      }
      row.pass = row.medianMs <= targetMs && extra(row)
      return row
    }
    return {
      latencyMs: LATENCY_MS,
      fresh: summary(fresh, FRESH_TARGET_MS, () => true),
      noop: summary(noop, NOOP_TARGET_MS, (r) => r.maxReads <= NOOP_MAX_READS && r.maxWrites === 0),
      freshWait: summary(freshWait, Number.POSITIVE_INFINITY, () => true),
      update: summary(update, Number.POSITIVE_INFINITY, () => true),
      rollback: summary(rollback, Number.POSITIVE_INFINITY, () => true),
    }
  } finally {
    await registry?.stop()
    await em.close()
  }
}

// --- redaction of long lines -------------------------------------------------------------------------------------
async function redactBench() {
  const file = join(ROOT, 'dist', 'core', 'redact.js')
  if (!existsSync(file)) return {skipped: 'dist/core/redact.js is missing'}
  const {Redactor} = await import(pathToFileURL(file).href)
  const redactor = new Redactor()
  for (let i = 0; i < 20; i++) redactor.add(`registered-secret-value-${i}`)
  const logLine = (n) =>
    '2026-12-01T10:00:00.000Z GET /api/items?id=42&page=3 200 12ms user=alice trace=4bf92f3577b34da6 '
      .repeat(Math.ceil(n / 96))
      .slice(0, n)
  const cases = [
    {name: '200 KB log line', line: logLine(200_000), target: REDACT_TARGET_MS},
    {name: '200 KB hostile line', line: 'eyJ-'.repeat(50_000), target: REDACT_TARGET_MS},
    {name: '2 MB log line', line: logLine(2_000_000), target: REDACT_TARGET_MS * 10},
  ]
  return cases.map((c) => {
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      redactor.text(c.line)
      times.push(performance.now() - t0)
    }
    const medianMs = round(median(times))
    return {name: c.name, chars: c.line.length, runs: RUNS, medianMs, targetMs: c.target, pass: medianMs <= c.target}
  })
}

// --- main ------------------------------------------------------------------------------------------------------
const pad = (s, n) => String(s).padEnd(n)
const results = {node: process.version, date: new Date().toISOString()}
let failed = false
try {
  results.help = await helpBench()
  console.log(`\nStart-up (median of ${RUNS} runs, target <= ${HELP_TARGET_MS} ms, no @azure/* module loaded)`)
  console.log(
    `${pad('command', 22)}${pad('median ms', 11)}${pad('min ms', 9)}${pad('modules', 9)}${pad('@azure', 8)}result`,
  )
  for (const r of results.help) {
    const verdict = r.pass === undefined ? '(baseline)' : r.pass ? 'PASS' : 'FAIL'
    if (r.pass === false) failed = true
    console.log(
      `${pad(r.name, 22)}${pad(r.medianMs, 11)}${pad(r.minMs, 9)}${pad(r.modulesLoaded ?? '', 9)}${pad(r.azureModules?.length ?? '', 8)}${verdict}`,
    )
    for (const m of r.azureModules ?? []) console.log(`    loaded: ${m}`)
  }

  results.redact = await redactBench()
  if (results.redact.skipped) {
    console.log(`\nredaction benchmark skipped: ${results.redact.skipped}`)
    failed = true
  } else {
    console.log(`\nRedaction (median of ${RUNS} runs, 20 registered secrets)`)
    console.log(`${pad('line', 22)}${pad('chars', 11)}${pad('median ms', 11)}${pad('target', 8)}result`)
    for (const r of results.redact) {
      if (!r.pass) failed = true
      console.log(
        `${pad(r.name, 22)}${pad(r.chars, 11)}${pad(r.medianMs, 11)}${pad(r.targetMs, 8)}${r.pass ? 'PASS' : 'FAIL'}`,
      )
    }
  }

  if (!process.argv.includes('--skip-up')) {
    results.up = await upBench()
    if (results.up.skipped) {
      console.log(`\nup benchmarks skipped: ${results.up.skipped}`)
      failed = true
    } else {
      console.log(`\nup against the emulator (${LATENCY_MS} ms ARM latency, median of ${UP_RUNS} runs)`)
      console.log(
        `${pad('scenario', 22)}${pad('median ms', 11)}${pad('target', 8)}${pad('requests', 10)}${pad('reads', 7)}${pad('writes', 8)}${pad('round trips', 13)}${pad('az calls', 10)}result`,
      )
      for (const [name, r] of [
        ['fresh up --no-wait', results.up.fresh],
        ['no-op up', results.up.noop],
        ['fresh up (waits)', results.up.freshWait],
        ['up, 2nd image', results.up.update],
        ['rollback --yes', results.up.rollback],
      ]) {
        if (!r.pass) failed = true
        console.log(
          `${pad(name, 22)}${pad(r.medianMs, 11)}${pad(Number.isFinite(r.targetMs) ? r.targetMs : '-', 8)}${pad(r.requests, 10)}${pad(r.reads, 7)}${pad(r.writes, 8)}${pad(r.roundTrips, 13)}${pad(r.azCalls, 10)}${r.pass ? 'PASS' : 'FAIL'}`,
        )
      }
      console.log(`(no-op also requires <= ${NOOP_MAX_READS} reads and 0 writes in every run)`)
    }
  }
} finally {
  rmSync(work, {recursive: true, force: true})
}
results.pass = !failed
writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`)
console.log(`\nwrote bench-results.json (${failed ? 'some targets missed' : 'all targets met'})`)
process.exitCode = failed ? 1 : 0
