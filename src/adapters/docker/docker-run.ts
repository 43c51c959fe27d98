/**
 * Running a container with the local Docker engine through its CLI (spawned without a shell): image inspection,
 * `docker run -d` with labels and one published port, `docker logs -f`, `docker wait`, the container's listening
 * sockets, and removal. App-setting values never reach a command line: they go through an --env-file (0600, in a
 * private temp dir, deleted as soon as `docker run` returns) or, for multi-line values, `-e NAME` inheriting them.
 */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {RejectedError} from '../../core/errors.js'
import {localContainerName} from '../../core/local-run.js'
import {type ExitCleanup, noExitCleanup} from '../../ports/cleanup.js'
import type {
  ContainerState,
  DockerRunPort,
  ImageFacts,
  LocalContainer,
  LogFollower,
  RunSpec,
} from '../../ports/index.js'
import {dockerMissing, dockerStopped, NO_DAEMON} from './docker-errors.js'
import {containerListeners, followLogs, waitExit} from './docker-streams.js'

export type {ContainerState, ImageFacts, LocalContainer, LogFollower, RunSpec}
export {localContainerName}

export const LOCAL_LABEL = 'azdeploy.local'
export const APP_LABEL = 'azdeploy.app'

interface Out {
  code: number
  stdout: string
  stderr: string
}

export interface DockerRunOptions {
  bin?: string
  env?: Record<string, string | undefined>
  /** Where `run` registers deleting its env file (and stopping `docker run`) should the process exit at once. */
  cleanup?: ExitCleanup
}

const MAX_OUT = 4 * 1024 * 1024

export function createDockerRun(o: DockerRunOptions = {}): DockerRunPort {
  const bin = o.bin ?? 'docker'
  const baseEnv = o.env ?? process.env
  const cleanup = o.cleanup ?? noExitCleanup

  function start(args: string[], env: Record<string, string | undefined> = baseEnv): ChildProcess {
    return spawn(bin, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
  }

  function docker(
    args: string[],
    env?: Record<string, string | undefined>,
    onChild?: (child: ChildProcess) => void,
  ): Promise<Out> {
    return new Promise((done, fail) => {
      const child = start(args, env)
      onChild?.(child)
      let stdout = ''
      let stderr = ''
      child.stdout?.setEncoding('utf8').on('data', (c: string) => {
        if (stdout.length < MAX_OUT) stdout += c
      })
      child.stderr?.setEncoding('utf8').on('data', (c: string) => {
        if (stderr.length < MAX_OUT) stderr += c
      })
      child.on('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code
        fail(code === 'ENOENT' ? dockerMissing(bin) : new RejectedError('DOCKER_FAILED', `${bin}: ${err.message}`))
      })
      child.on('close', (code) => {
        if (code !== 0 && NO_DAEMON.test(stderr)) fail(dockerStopped(baseEnv))
        else done({code: code ?? 1, stdout, stderr})
      })
    })
  }

  const firstLine = (s: string) => s.trim().split('\n')[0] ?? ''

  return {
    /** The image's facts, or undefined when the engine does not have it. */
    async inspectImage(ref: string): Promise<ImageFacts | undefined> {
      const r = await docker(['image', 'inspect', '--format', '{{json .}}', ref])
      if (r.code !== 0) {
        if (/no such image|not found/i.test(r.stderr)) return undefined
        throw new RejectedError('DOCKER_FAILED', `docker image inspect ${ref}: ${firstLine(r.stderr)}`)
      }
      const j = JSON.parse(r.stdout) as {
        Id: string
        Os?: string
        Architecture?: string
        Config?: {ExposedPorts?: Record<string, unknown>; Entrypoint?: string[] | null; Cmd?: string[] | null}
      }
      const exposedPorts = Object.keys(j.Config?.ExposedPorts ?? {})
        .filter((k) => !k.endsWith('/udp'))
        .map((k) => Number.parseInt(k, 10))
        .filter((n) => Number.isInteger(n))
      return {
        id: j.Id,
        exposedPorts,
        os: j.Os ?? '',
        architecture: j.Architecture ?? '',
        command: [...(j.Config?.Entrypoint ?? []), ...(j.Config?.Cmd ?? [])],
      }
    },

    /** Containers azdeploy started locally (label azdeploy.local), of one app or all. */
    async list(app?: string): Promise<LocalContainer[]> {
      const args = ['ps', '-a', '--no-trunc', '--filter', `label=${LOCAL_LABEL}`]
      if (app) args.push('--filter', `label=${APP_LABEL}=${app}`)
      args.push('--format', `{{.ID}}\t{{.Names}}\t{{.Label "${APP_LABEL}"}}`)
      const r = await docker(args)
      if (r.code !== 0) throw new RejectedError('DOCKER_FAILED', `docker ps: ${firstLine(r.stderr)}`)
      return r.stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => {
          const [id = '', name = '', label = ''] = l.split('\t')
          return {id, name, app: label}
        })
    },

    /** Whether a container of this name exists, and whether azdeploy started it. */
    async existing(name: string): Promise<{ours: boolean} | undefined> {
      const r = await docker(['container', 'inspect', '--format', `{{index .Config.Labels "${LOCAL_LABEL}"}}`, name])
      if (r.code !== 0) return undefined
      return {ours: r.stdout.trim() === '1'}
    },

    /** `docker run -d`; resolves with the container id, or the engine's refusal. */
    async run(spec: RunSpec): Promise<{id: string} | {error: string; portTaken: boolean}> {
      const dir = mkdtempSync(join(tmpdir(), 'azdeploy-env-'))
      let child: ChildProcess | undefined
      // Exiting at once (a second Ctrl-C) must not leave the setting values on disk, nor `docker run` going.
      const forget = cleanup.onExit(() => {
        child?.kill('SIGKILL')
        rmSync(dir, {recursive: true, force: true})
      }, 'deleted the env file of `docker run`')
      try {
        const envFile = join(dir, 'env')
        const inherited: Record<string, string> = {}
        const lines: string[] = []
        for (const [k, v] of Object.entries(spec.settings)) {
          // The env-file format is one NAME=VALUE per line: multi-line values are inherited with `-e NAME`.
          if (/[\r\n]/.test(v)) inherited[k] = v
          else lines.push(`${k}=${v}`)
        }
        writeFileSync(envFile, lines.length ? `${lines.join('\n')}\n` : '', {mode: 0o600})
        const args = [
          'run',
          '-d',
          '--name',
          spec.name,
          '--label',
          `${LOCAL_LABEL}=1`,
          '--label',
          `${APP_LABEL}=${spec.app}`,
        ]
        args.push('-p', `127.0.0.1:${spec.hostPort}:${spec.port}`, '--platform', 'linux/amd64', '--env-file', envFile)
        for (const k of Object.keys(inherited)) args.push('-e', k)
        for (const [k, v] of Object.entries(spec.platformEnv)) args.push('-e', `${k}=${v}`)
        args.push(spec.image)
        const stop = () => child?.kill('SIGTERM')
        spec.signal?.addEventListener('abort', stop, {once: true})
        const r = await docker(args, {...baseEnv, ...inherited}, (c) => {
          child = c
          if (spec.signal?.aborted) stop()
        }).finally(() => spec.signal?.removeEventListener('abort', stop))
        if (r.code === 0) return {id: r.stdout.trim()}
        const error =
          r.stderr
            .trim()
            .replace(/^docker: /, '')
            .split('\n')[0] ?? `exit status ${r.code}`
        return {error, portTaken: /port is already allocated|address already in use/i.test(r.stderr)}
      } finally {
        rmSync(dir, {recursive: true, force: true})
        forget()
      }
    },

    async state(container: string): Promise<ContainerState | undefined> {
      const r = await docker(['container', 'inspect', '--format', '{{json .}}', container])
      if (r.code !== 0) return undefined
      const j = JSON.parse(r.stdout) as {
        Path?: string
        Args?: string[]
        State: {Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string}
      }
      const time = (s: string) => (s.startsWith('0001-') ? 0 : Date.parse(s) || 0)
      return {
        running: j.State.Running,
        exitCode: j.State.ExitCode,
        startedAt: time(j.State.StartedAt),
        finishedAt: time(j.State.FinishedAt),
        command: [...(j.Path ? [j.Path] : []), ...(j.Args ?? [])],
      }
    },

    follow: (container, onLine) => followLogs(start(['logs', '-f', container]), onLine),
    wait: (container) => waitExit(start(['wait', container])),
    listening: (container) => containerListeners(container, (args) => docker(args)),

    /**
     * `docker rm -f` that blocks until the container is gone: for the way out of a process that must exit now.
     * When a removal is already in flight (the one a first Ctrl-C began), it waits for that one. Never throws.
     */
    removeNow(container: string): void {
      const sync = (args: string[], timeout: number) =>
        spawnSync(bin, args, {env: baseEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout})
      const deadline = Date.now() + 20_000
      do {
        const r = sync(['rm', '-f', '-v', container], 20_000)
        if (r.status === 0 || /no such container/i.test(r.stderr ?? '')) return
        // "removal … is already in progress": ask again (each call is a round trip) until that one is done.
      } while (Date.now() < deadline)
    },

    /** Stops (SIGKILL) and removes a container; true when there was one. */
    async remove(container: string): Promise<boolean> {
      const r = await docker(['rm', '-f', '-v', container])
      if (r.code === 0) return true
      if (/no such container/i.test(r.stderr)) return false
      throw new RejectedError('DOCKER_FAILED', `docker rm ${container}: ${firstLine(r.stderr)}`)
    },
  }
}

export type DockerRun = DockerRunPort
