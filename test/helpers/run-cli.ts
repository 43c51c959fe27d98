// Drives the BUILT CLI (`node <repo>/bin/run.js`, so `npm run build` must have run) as a user would, with a clean
// environment pointed at the ARM emulator, plus `e2eWorld()`: one emulator + local registries per test file.
//
// Environment of every run: PATH=<fake az>:<docker labelling shim (docker-run-id.ts)>:<original PATH>,
// NODE_EXTRA_CA_CERTS=<test CA>, the emulator as AZURE_RESOURCE_MANAGER_ENDPOINT, AZURE_TOKEN_CREDENTIALS=dev (managed identity stays out of the chain), a fresh
// HOME = AZDEPLOY_CONFIG_DIR under <repo>/.test-tmp/, CI=true, NO_COLOR=1, no update notice (and its registry a
// closed loopback port) and short poll/retry intervals. Nothing
// AZURE_* / AZDEPLOY_* (or NODE_OPTIONS) is inherited from the parent process; `opts.env` is applied last.
// Every result goes through the secret scan (secret-scan.ts): a secret of the test in stdout or stderr fails it.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {after, before} from 'node:test'
import {type ArmEmulator, startArmEmulator} from '../emulator/index.js'
import {type AcrFront, startAcrFront} from './acr-front.js'
import {fakeAzDir} from './cli.js'
import {dockerShimEnv} from './docker-run-id.js'
import {type BuiltImage, buildImage, pushImage, type SeededImages, seedTestImages} from './oci-images.js'
import {startRegistry, type TestRegistry} from './registry.js'
import {assertNoLeaks, registerSecret, secretsOfRun, withoutMaskCommands} from './secret-scan.js'
import {ensureTestCa, repoRoot} from './tls.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** Wall time of the child process in milliseconds. */
  ms: number
}

export interface RunCliOptions {
  env?: Record<string, string>
  /** Written to stdin, which is then closed (stdin is closed at once when absent). */
  input?: string
  /** Working directory (default: the run's fresh HOME, so no stray azdeploy.yml is picked up). */
  cwd?: string
  /** ARM endpoint; defaults to the emulator of the active e2eWorld. */
  arm?: {url: string; caCertPath?: string}
  /** Reuse this HOME / AZDEPLOY_CONFIG_DIR instead of a fresh one (it is not removed afterwards). */
  home?: string
  /** Kill the child after this many ms (default 60 000); the result then has code -1. */
  timeoutMs?: number
}

export const FAKE_AZ_TOKEN = 'test-arm-token'
registerSecret(FAKE_AZ_TOKEN, 'the emulator bearer token FAKE_AZ_TOKEN')

const ROOT = repoRoot()
/** The built CLI; E2E_CLI_ENTRY (read here, never passed to the child) may point at a snapshot of bin/ + dist/. */
export const CLI_ENTRY = process.env.E2E_CLI_ENTRY || join(ROOT, 'bin', 'run.js')

let activeArm: {url: string; caCertPath: string} | undefined

/** A fresh directory under <repo>/.test-tmp/ (removed by the caller). */
export function tempDir(prefix: string): string {
  const base = join(ROOT, '.test-tmp')
  mkdirSync(base, {recursive: true})
  return mkdtempSync(join(base, `${prefix}-`))
}

/** The environment runCli gives the child (exported for the benchmark). */
export function cliEnv(arm: {url: string; caCertPath?: string}, home: string, extra: Record<string, string> = {}) {
  const shim = dockerShimEnv()
  const env: Record<string, string> = {
    PATH: `${fakeAzDir()}:${shim.pathPrefix}${process.env.PATH ?? '/usr/bin:/bin'}`,
    ...shim.env,
    NODE_EXTRA_CA_CERTS: arm.caCertPath ?? ensureTestCa().caCertPath,
    AZURE_RESOURCE_MANAGER_ENDPOINT: arm.url,
    AZURE_TOKEN_CREDENTIALS: 'dev',
    HOME: home,
    AZDEPLOY_CONFIG_DIR: home,
    CI: 'true',
    NO_COLOR: '1',
    AZDEPLOY_POLL_INTERVAL_MS: '20',
    AZDEPLOY_RETRY_DELAY_MS: '5',
    AZDEPLOY_MAX_RETRY_DELAY_MS: '20',
    AZDEPLOY_PULL_RETRY_MS: '20',
    AZDEPLOY_ROLE_RETRY_MS: '5',
    AZDEPLOY_LRO_INTERVAL_MS: '10',
    // A terminal run (CI unset) must never ask the real npm registry; update-notice.test.ts turns it back on.
    AZDEPLOY_NO_UPDATE_NOTIFIER: '1',
    AZDEPLOY_UPDATE_REGISTRY: 'http://127.0.0.1:9',
  }
  return {...env, ...extra}
}

export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const arm = opts.arm ?? activeArm
  if (!arm) throw new Error('runCli: no ARM endpoint (pass opts.arm or call e2eWorld() in the test file)')
  const home = opts.home ?? tempDir('cli-home')
  const env = cliEnv(arm, home, opts.env)
  const started = performance.now()
  try {
    const result = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
        cwd: opts.cwd ?? home,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c
      })
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c
      })
      const timer = setTimeout(() => {
        stderr += `\n[runCli] killed after ${opts.timeoutMs ?? 60_000} ms`
        child.kill('SIGKILL')
      }, opts.timeoutMs ?? 60_000)
      child.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        resolve({code: code ?? (signal ? -1 : 0), stdout, stderr, ms: performance.now() - started})
      })
      child.stdin.on('error', () => {}) // the CLI may exit before reading stdin
      child.stdin.end(opts.input)
    })
    const secrets = secretsOfRun(args, env)
    const stdinSecret = args.includes('--registry-password-stdin') ? opts.input?.trim() : undefined
    if (stdinSecret) secrets.push({label: 'the --registry-password-stdin password', value: stdinSecret})
    const streams = {stdout: withoutMaskCommands(result.stdout), stderr: withoutMaskCommands(result.stderr)}
    assertNoLeaks(streams, secrets, `azdeploy ${args.join(' ')}`)
    return result
  } finally {
    if (!opts.home) rmSync(home, {recursive: true, force: true})
  }
}

/** Parses the single JSON document a `--json` run prints on stdout (fails loudly on anything else). */
export function jsonOf<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`)
  }
}

/** A one-line summary for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code} after ${Math.round(r.ms)} ms\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`
}

export interface WorldOptions {
  /** Also start a registry with htpasswd auth (same images). */
  privateRegistry?: boolean
  /** Also start an ACR-style token-exchange front over the open registry. */
  acrFront?: boolean
  latencyMs?: number
  /** The bearer token the emulator accepts and the fake az hands out (e.g. a JWT with a upn claim). */
  token?: string
}

export interface WorldImages extends SeededImages {
  /** `<repo>:v2`: linux/amd64, port 8080 (a second image for image changes) */
  v2: BuiltImage
}

export const PRIVATE_AUTH = {username: 'e2e-user', password: 'reg-pass-e2e-7d1f9a'}
registerSecret(PRIVATE_AUTH.password, 'the private registry password PRIVATE_AUTH.password')

export interface World {
  em: ArmEmulator
  /** Anonymous-pull registry seeded with seedTestImages() in `team/app` plus `team/app:v2`. */
  registry: TestRegistry
  images: WorldImages
  /** `<host>/team/app:single` (port 8080) */
  image: string
  /** `<host>/team/app:v2` (port 8080, another digest) */
  image2: string
  /** `<host>/team/app:arm64-only` */
  armImage: string
  /** Registry requiring PRIVATE_AUTH (when privateRegistry). */
  privateRegistry: TestRegistry
  privateImages: WorldImages
  /** ACR-style front (AAD token = the fake az token) over the open registry (when acrFront). */
  acr: AcrFront
  /** Runs the CLI against this world's emulator. */
  cli(args: string[], opts?: RunCliOptions): Promise<CliResult>
  /** A unique, valid app name: `<prefix>-<n>-<random>`. */
  name(prefix: string): string
  /** Registers a secret of the test: every later CLI run of this file fails if it prints it. Returns the value. */
  secret(value: string, label?: string): string
}

async function seed(target: {url: string; ca: string; auth?: {username: string; password: string}}) {
  const images = await seedTestImages(target)
  const v2 = buildImage({exposedPorts: ['8080/tcp'], cmd: ['node', 'v2.js']})
  await pushImage(target, images.repo, 'v2', v2)
  return {...images, v2}
}

/**
 * Registers before/after hooks that start (once per test file) the emulator, a seeded local registry and the
 * optional extras, and tear them all down. Fields are available inside tests (after `before` ran).
 */
export function e2eWorld(opts: WorldOptions = {}): World {
  const w: Partial<World> = {}
  let counter = 0
  const started: Array<() => Promise<void>> = []
  before(async () => {
    const em = await startArmEmulator({latencyMs: opts.latencyMs ?? 0, ...(opts.token ? {token: opts.token} : {})})
    started.push(() => em.close())
    activeArm = {url: em.url, caCertPath: em.caCertPath}
    const registry = await startRegistry()
    started.push(() => registry.stop())
    const images = await seed({url: registry.url, ca: registry.ca})
    Object.assign(w, {
      em,
      registry,
      images,
      image: `${registry.host}/${images.repo}:single`,
      image2: `${registry.host}/${images.repo}:v2`,
      armImage: `${registry.host}/${images.repo}:arm64-only`,
    })
    if (opts.privateRegistry) {
      const priv = await startRegistry({auth: PRIVATE_AUTH})
      started.push(() => priv.stop())
      w.privateRegistry = priv
      w.privateImages = await seed({url: priv.url, ca: priv.ca, auth: PRIVATE_AUTH})
    }
    if (opts.acrFront) {
      const acr = await startAcrFront({backend: {url: registry.url}, aadToken: FAKE_AZ_TOKEN})
      started.push(() => acr.stop())
      w.acr = acr
    }
  })
  after(async () => {
    activeArm = undefined
    await Promise.allSettled(started.reverse().map((stop) => stop()))
  })
  w.cli = (args, o = {}) => {
    if (!w.em) throw new Error('e2eWorld: not started yet (use it inside a test)')
    const env = opts.token ? {FAKE_AZ_TOKEN: opts.token, ...o.env} : o.env
    return runCli(args, {arm: {url: w.em.url, caCertPath: w.em.caCertPath}, ...o, ...(env ? {env} : {})})
  }
  w.secret = (value, label) => {
    registerSecret(value, label)
    return value
  }
  w.name = (prefix) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`
  return w as World
}
