/**
 * "Docker is not available", told apart: the CLI is not on PATH, or the engine it talks to (the local socket, or
 * DOCKER_HOST) does not answer. Both adapters of the Docker CLI throw these (exit 8).
 */
import {DockerUnavailableError} from '../../core/errors.js'

/** What the Docker CLI prints when it cannot reach the engine. */
export const NO_DAEMON = /Cannot connect to the Docker daemon|error during connect|docker daemon is not running/i

/** How to start the engine, naming DOCKER_HOST when that is where the CLI looked. */
export function startDockerHint(env: Record<string, string | undefined>): string {
  const host = env['DOCKER_HOST']
  if (host) return `DOCKER_HOST is ${host}: start the engine there, or unset DOCKER_HOST to use the local one`
  return 'Start the Docker engine (`sudo systemctl start docker`, or open Docker Desktop); `docker info` must answer'
}

export function dockerMissing(bin: string, alternative = ''): DockerUnavailableError {
  return new DockerUnavailableError(
    'missing',
    `Docker is not installed: '${bin}' was not found on PATH`,
    `Install Docker (https://docs.docker.com/engine/install/) so that \`${bin}\` is on PATH${alternative}`,
  )
}

export function dockerStopped(env: Record<string, string | undefined>, alternative = ''): DockerUnavailableError {
  const host = env['DOCKER_HOST']
  return new DockerUnavailableError(
    'stopped',
    `The Docker engine does not answer${host ? ` at ${host}` : ''}: it is stopped, or not reachable`,
    `${startDockerHint(env)}${alternative}`,
  )
}
