/** The local Docker engine: build and save images, run containers the way App Service does. */
import type {Listener} from '../core/local-run.js'
import type {ExitCleanup} from './cleanup.js'
import type {Clock} from './system.js'

export interface BuildSpec {
  context: string
  dockerfile: string
  tag: string
  buildArgs?: string[]
  target?: string
}

export interface ImageFacts {
  id: string
  exposedPorts: number[]
  os: string
  architecture: string
  command: string[]
}

export interface RunSpec {
  name: string
  app: string
  image: string
  hostPort: number
  port: number
  /** Platform variables (PORT, WEBSITES_PORT, …): not secret, passed as -e NAME=VALUE. */
  platformEnv: Record<string, string>
  /** App settings: secret values, never on the command line. */
  settings: Record<string, string>
  /** Ctrl-C: stops a `docker run` that has not returned (a wedged engine); the caller removes the container. */
  signal?: AbortSignal
}

export interface ContainerState {
  running: boolean
  exitCode: number
  startedAt: number
  finishedAt: number
  command: string[]
}

export interface LocalContainer {
  id: string
  name: string
  app: string
}

export interface LogFollower {
  /** The last lines the container wrote (stdout and stderr). */
  tail(): string[]
  /** Resolves when the log stream ends (the container stopped) or was stopped. */
  readonly ended: Promise<void>
  stop(): void
}

export interface DockerRunPort {
  inspectImage(ref: string): Promise<ImageFacts | undefined>
  list(app?: string): Promise<LocalContainer[]>
  existing(name: string): Promise<{ours: boolean} | undefined>
  run(spec: RunSpec): Promise<{id: string} | {error: string; portTaken: boolean}>
  state(container: string): Promise<ContainerState | undefined>
  follow(container: string, onLine?: (line: string) => void): LogFollower
  wait(container: string): {exited: Promise<number | undefined>; stop(): void}
  listening(container: string): Promise<Listener[] | undefined>
  remove(container: string): Promise<boolean>
  /** Removes the container synchronously (a forced exit), waiting until it is gone. */
  removeNow(container: string): void
}

/** What a local run needs: the engine, a build, a free loopback port, one HTTP GET, time. */
export interface LocalRunDeps {
  docker: Pick<
    DockerRunPort,
    'inspectImage' | 'existing' | 'run' | 'state' | 'follow' | 'wait' | 'listening' | 'remove' | 'removeNow' | 'list'
  >
  /** Where the container's removal is registered should the process have to exit at once (a second Ctrl-C). */
  cleanup?: ExitCleanup
  /** `docker build` for linux/amd64 (when no image is given). */
  build(spec: BuildSpec, onLine: (line: string) => void): Promise<void>
  freePort(): Promise<number>
  http(url: string, timeoutMs: number, signal: AbortSignal): Promise<number | null>
  clock: Clock
}
