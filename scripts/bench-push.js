#!/usr/bin/env node
// Push benchmark of the BUILT CLI (needs `npm run build && npm run build:test`: it uses the registry and layout
// helpers compiled under build/test). On loopback only:
// 1. writes a ~300 MB OCI layout (5 random layers of 60 MB);
// 2. `azdeploy push --from oci:DIR` to a fresh docker-registry vs `skopeo copy oci:DIR docker://...` to another
//    fresh one (separate registries so neither can reuse the other's blobs), wall time and ratio (target <= 1);
// 3. re-push of the unchanged image (target <= 1 s);
// 4. peak RSS of every azdeploy push via /usr/bin/time (target <= 150 MB).
// Usage: node scripts/bench-push.js [--layer-mb N] [--layers N]
import {spawn} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'bin', 'run.js')
const arg = (name, d) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : d
}
const LAYER_MB = arg('--layer-mb', 60)
const LAYERS = arg('--layers', 5)
const ROUNDS = arg('--rounds', 3)
const helper = (p) => import(pathToFileURL(join(ROOT, 'build', 'test', 'helpers', p)).href)
if (!existsSync(join(ROOT, 'build', 'test', 'helpers', 'oci-layout.js')) || !existsSync(join(ROOT, 'dist'))) {
  console.error('run `npm run build && npm run build:test` first')
  process.exit(1)
}
const {startRegistry} = await helper('registry.js')
const {writeOciLayout} = await helper('oci-layout.js')
const {ensureTestCa} = await helper('tls.js')

/** Runs a command under /usr/bin/time; resolves wall ms and peak RSS in MB. */
function timed(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', cmd, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (err += c))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - started
      const rss = Number(/MAXRSS_KB=(\d+)/.exec(err)?.[1] ?? 0) / 1024
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}\n${err}`))
      else resolve({ms, rssMb: rss, out})
    })
  })
}

const tmp = mkdtempSync(join(ROOT, '.test-tmp', 'bench-push-'))
const registries = []
try {
  const tls = ensureTestCa()
  const certDir = join(tmp, 'certs')
  mkdirSync(certDir)
  copyFileSync(tls.caCertPath, join(certDir, 'ca.crt'))
  process.stderr.write(`writing ${LAYERS} x ${LAYER_MB} MB layers...\n`)
  const layout = writeOciLayout(join(tmp, 'image'), Array(LAYERS).fill(LAYER_MB * 1024 * 1024))
  const env = {...process.env, NODE_EXTRA_CA_CERTS: tls.caCertPath, CI: 'true', NO_COLOR: '1'}
  for (const k of Object.keys(env)) if (k.startsWith('AZURE_') || k.startsWith('AZDEPLOY_')) delete env[k]
  const push = (host, tag) =>
    timed(
      process.execPath,
      [CLI, 'push', '--from', `oci:${layout.dir}`, '--image', `${host}/bench/app:${tag}`, '--json'],
      env,
    )
  const copy = (host) =>
    timed(
      'skopeo',
      ['copy', '-q', '--dest-cert-dir', certDir, `oci:${layout.dir}`, `docker://${host}/bench/app:v1`],
      env,
    )
  // Alternating rounds, each tool into its own fresh registry (skopeo remembers where it put blobs and would mount
  // them from an earlier repository of the same registry).
  const skopeoRuns = []
  const pushRuns = []
  let ours
  for (let i = 0; i < ROUNDS; i++) {
    const [a, b] = await Promise.all([startRegistry(), startRegistry()])
    registries.push(a, b)
    ours = a
    skopeoRuns.push(await copy(b.host))
    pushRuns.push(await push(a.host, 'v1'))
  }
  const median = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]
  const skopeo = median(skopeoRuns)
  const first = median(pushRuns)
  const doc = JSON.parse(first.out)
  if (doc.digest !== layout.digest) throw new Error(`pushed digest ${doc.digest} != ${layout.digest}`)
  const again = await push(ours.host, 'v2')
  const redoc = JSON.parse(again.out)
  const ratio = first.ms / skopeo.ms
  const peak = Math.max(...pushRuns.map((r) => r.rssMb), again.rssMb)
  const row = (name, value, target, ok) =>
    console.log(`${name.padEnd(34)}${value.padStart(14)}   ${target.padEnd(12)}${ok ? 'ok' : 'MISSED'}`)
  console.log(`image: ${LAYERS} layers x ${LAYER_MB} MB = ${LAYERS * LAYER_MB} MB, digest ${layout.digest}`)
  row(`skopeo copy (median of ${ROUNDS})`, `${(skopeo.ms / 1000).toFixed(2)} s`, '', true)
  row(`azdeploy push (median of ${ROUNDS})`, `${(first.ms / 1000).toFixed(2)} s`, '', true)
  row('push / skopeo ratio', ratio.toFixed(2), '<= 1.00', ratio <= 1)
  row(
    `re-push unchanged (skipped ${redoc.skippedBlobs})`,
    `${(again.ms / 1000).toFixed(2)} s`,
    '<= 1 s',
    again.ms <= 1000 && redoc.uploadedBlobs === 0,
  )
  row('peak RSS of azdeploy push', `${peak.toFixed(0)} MB`, '<= 150 MB', peak <= 150)
  row('peak RSS of skopeo (reference)', `${skopeo.rssMb.toFixed(0)} MB`, '', true)
} finally {
  await Promise.all(registries.map((r) => r.stop()))
  rmSync(tmp, {recursive: true, force: true})
}
