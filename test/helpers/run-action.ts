// Runs the committed Action bundle (action/index.cjs) the way the GitHub runner does: `node <action>/index.cjs`
// with the inputs as INPUT_* variables (name upper-cased, hyphens kept), GITHUB_ACTIONS=true, CI=true, fresh
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the working directory a checkout. The rest of the environment is
// run-cli's (ARM emulator, fake az, test CA). A preloaded guard records every non-loopback connection attempt and
// refuses it; the result lists them so a test can fail on any.
import {spawn} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cliEnv, tempDir} from './run-cli.js'
import {assertNoLeaks, secretsOfRun, withoutMaskCommands} from './secret-scan.js'
import {repoRoot} from './tls.js'

export const ACTION_ENTRY = join(repoRoot(), 'action', 'index.cjs')

let installed: string | undefined
/**
 * The Action as a tag checkout has it: action.yml and action/index.cjs copied to a directory outside the repository
 * (no node_modules anywhere above it), so a package missing from the bundle fails here as it would on a runner.
 */
export function actionCheckout(): string {
  if (installed) return installed
  const dir = mkdtempSync(join(tmpdir(), 'azdeploy-action-'))
  mkdirSync(join(dir, 'action'))
  copyFileSync(join(repoRoot(), 'action.yml'), join(dir, 'action.yml'))
  copyFileSync(ACTION_ENTRY, join(dir, 'action', 'index.cjs'))
  process.once('exit', () => rmSync(dir, {recursive: true, force: true}))
  installed = join(dir, 'action', 'index.cjs')
  return installed
}

export interface ActionResult {
  code: number
  stdout: string
  stderr: string
  /** Everything the step printed, stdout and stderr interleaved in arrival order (what the runner's log shows). */
  log: string
  /** GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as the step left them. */
  outputFile: string
  summaryFile: string
  /** Hosts the step tried to reach other than loopback (refused by the guard). */
  offLoopback: string[]
}

// Loaded with --require into the step: refuses and records any TCP connection to a non-loopback host.
const GUARD = `
const net = require('node:net')
const fs = require('node:fs')
const LOOPBACK = /^(localhost|127(\\.\\d{1,3}){3}|::1|\\[::1\\]|::ffff:127(\\.\\d{1,3}){3})$/i
const original = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  let o = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (typeof o !== 'object' || o === null) o = {port: o, host: typeof args[1] === 'string' ? args[1] : undefined}
  if (!o.path) {
    const host = o.host || 'localhost'
    if (!LOOPBACK.test(host)) {
      fs.appendFileSync(process.env.AZDEPLOY_TEST_NET_LOG, host + ':' + o.port + '\\n')
      const err = Object.assign(new Error('non-loopback connection refused by the test guard: ' + host), {code: 'ECONNREFUSED'})
      process.nextTick(() => this.destroy(err))
      return this
    }
  }
  return original.apply(this, args)
}
`

export interface RunActionOptions {
  arm: {url: string; caCertPath?: string}
  inputs: Record<string, string>
  /** The checkout (working directory). */
  cwd: string
  env?: Record<string, string>
  timeoutMs?: number
}

export async function runAction(o: RunActionOptions): Promise<ActionResult> {
  const dir = tempDir('action-run')
  const files = {
    output: join(dir, 'github_output'),
    summary: join(dir, 'step_summary'),
    net: join(dir, 'net.log'),
    guard: join(dir, 'guard.cjs'),
  }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.net, '')
  writeFileSync(files.guard, GUARD)
  const inputs = Object.fromEntries(
    Object.entries(o.inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  )
  const env = cliEnv(o.arm, dir, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: o.cwd,
    RUNNER_TEMP: dir,
    AZDEPLOY_TEST_NET_LOG: files.net,
    NODE_OPTIONS: `--require ${files.guard}`,
    ...inputs,
    ...o.env,
  })
  try {
    const {code, stdout, stderr, log} = await new Promise<{code: number; stdout: string; stderr: string; log: string}>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [actionCheckout()], {cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
        let stdout = ''
        let stderr = ''
        let log = ''
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c
          log += c
        })
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          stderr += c
          log += c
        })
        const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000)
        child.on('error', reject)
        child.on('close', (c, signal) => {
          clearTimeout(timer)
          resolve({code: c ?? (signal ? -1 : 0), stdout, stderr, log})
        })
      },
    )
    const offLoopback = readFileSync(files.net, 'utf8').split('\n').filter(Boolean)
    const result = {
      code,
      stdout,
      stderr,
      log,
      outputFile: readFileSync(files.output, 'utf8'),
      summaryFile: readFileSync(files.summary, 'utf8'),
      offLoopback,
    }
    scanAction(result, o.inputs, env)
    return result
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/**
 * The secret scan of run-cli, over the step's log, outputs and summary: the `env` input lines count as `--env`
 * items. The `::add-mask::VALUE` commands are the one place a secret must appear (the runner hides it from then on).
 */
function scanAction(r: ActionResult, inputs: Record<string, string>, env: Record<string, string>): void {
  const args = (inputs['env'] ?? '').split('\n').flatMap((l) => (l.trim() ? ['--env', l.trim()] : []))
  assertNoLeaks(
    {
      stdout: withoutMaskCommands(r.stdout),
      stderr: withoutMaskCommands(r.stderr),
      GITHUB_OUTPUT: r.outputFile,
      GITHUB_STEP_SUMMARY: r.summaryFile,
    },
    secretsOfRun(args, env),
    'the Action',
  )
}

export function describeAction(r: ActionResult): string {
  return `exit ${r.code}\n--- log ---\n${r.log}\n--- GITHUB_OUTPUT ---\n${r.outputFile}\n--- summary ---\n${r.summaryFile}`
}
