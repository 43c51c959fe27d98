/**
 * The local Docker engine and git, through their CLIs (spawned without a shell; no secret is ever put on a command
 * line): `docker build --platform linux/amd64`, `docker save -o <temp file>`, and the git state for the tag.
 */

import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {shown, shownPath} from '../../core/display.js'
import {InputError, RejectedError} from '../../core/errors.js'
import type {GitState} from '../../core/image-tag.js'
import type {BuildSpec} from '../../ports/index.js'
import {childEnv} from '../system/child-env.js'
import {dockerMissing, dockerStopped, NO_DAEMON} from './docker-errors.js'

export interface RunResult {
  code: number
  /** The last lines of stdout + stderr. */
  tail: string[]
}

export interface DockerOptions {
  /** Docker CLI to run (default `docker`; tests point it elsewhere). */
  bin?: string
  env?: Record<string, string | undefined>
  onLine?: (line: string) => void
  signal?: AbortSignal
  /** Added to the hint when Docker is unavailable: what works without it (default: `push --from`). */
  withoutDocker?: string
}

const TAIL = 20

function run(bin: string, args: string[], o: DockerOptions & {cwd?: string}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, {cwd: o.cwd, env: childEnv(o.env ?? process.env), stdio: ['ignore', 'pipe', 'pipe']})
    const tail: string[] = []
    let partial = ''
    const onData = (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split(/\r?\n/)
      partial = lines.pop() ?? ''
      for (const line of lines) {
        tail.push(line)
        if (tail.length > TAIL) tail.shift()
        o.onLine?.(line)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const abort = () => child.kill('SIGTERM')
    o.signal?.addEventListener('abort', abort, {once: true})
    child.on('error', (err) => {
      o.signal?.removeEventListener('abort', abort)
      fail(err)
    })
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', abort)
      if (partial) tail.push(partial)
      done({code: code ?? (signal ? 128 : 1), tail: tail.slice(-TAIL)})
    })
  })
}

/** Where a build is not possible, what works without Docker. */
const WITHOUT_DOCKER = ', or push a prebuilt image with --from oci:DIR'

async function docker(args: string[], o: DockerOptions): Promise<RunResult> {
  let r: RunResult
  try {
    r = await run(o.bin ?? 'docker', args, o)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const bin = o.bin ?? 'docker'
    if (code === 'ENOENT') throw dockerMissing(bin, o.withoutDocker ?? WITHOUT_DOCKER)
    throw new RejectedError('DOCKER_FAILED', `${bin}: ${(err as Error).message}`)
  }
  if (r.code !== 0 && NO_DAEMON.test(r.tail.join('\n')))
    throw dockerStopped(o.env ?? process.env, o.withoutDocker ?? WITHOUT_DOCKER)
  return r
}

export type {BuildSpec}

/** `docker build` for linux/amd64. Missing Dockerfile/context → InputError before docker runs. */
export async function dockerBuild(spec: BuildSpec, o: DockerOptions = {}): Promise<void> {
  const context = resolve(spec.context)
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError('CONTEXT_NOT_FOUND', `Build context ${shownPath(spec.context)} is not a directory`)
  }
  const dockerfile = resolve(spec.dockerfile)
  if (!existsSync(dockerfile)) {
    throw new InputError(
      'DOCKERFILE_NOT_FOUND',
      `No Dockerfile at ${shownPath(spec.dockerfile)}`,
      'Pass --dockerfile PATH',
    )
  }
  const args = ['build', '--platform', 'linux/amd64', '-f', dockerfile, '-t', spec.tag]
  for (const a of spec.buildArgs ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(a))
      throw new InputError('INVALID_BUILD_ARG', `--build-arg '${shown(a)}' is not NAME=VALUE or NAME`)
    // NAME alone makes docker read the value from its environment: keeps secrets off the command line.
    args.push('--build-arg', a)
  }
  if (spec.target) args.push('--target', spec.target)
  args.push(context)
  const r = await docker(args, o)
  if (r.code !== 0) {
    throw new RejectedError(
      'BUILD_FAILED',
      `docker build exited with status ${r.code}:\n${r.tail.join('\n')}`,
      'Fix the build error above; nothing was pushed',
    )
  }
}

/** `docker save` to a fresh temp file; call `cleanup` when done. */
export async function dockerSave(image: string, o: DockerOptions = {}): Promise<{path: string; cleanup(): void}> {
  const dir = mkdtempSync(join(tmpdir(), 'azdeploy-save-'))
  const path = join(dir, 'image.tar')
  const cleanup = () => rmSync(dir, {recursive: true, force: true})
  try {
    const r = await docker(['save', '-o', path, image], o)
    if (r.code !== 0) {
      throw new RejectedError('DOCKER_SAVE_FAILED', `docker save exited with status ${r.code}:\n${r.tail.join('\n')}`)
    }
  } catch (err) {
    cleanup()
    throw err
  }
  return {path, cleanup}
}

/** Short SHA and dirtiness of the repository containing `dir`; undefined outside git (or without git). */
export async function gitState(dir: string): Promise<GitState | undefined> {
  try {
    const head = await run('git', ['-c', 'core.fsmonitor=false', 'rev-parse', '--short', 'HEAD'], {cwd: dir})
    if (head.code !== 0) return undefined
    const st = await run('git', ['-c', 'core.fsmonitor=false', 'status', '--porcelain'], {cwd: dir})
    return {shortSha: head.tail.join('').trim(), dirty: st.code === 0 && st.tail.some((l) => l.trim() !== '')}
  } catch {
    return undefined
  }
}
