/** What the local Docker engine adapter (docker-run.ts) takes and answers. */

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
