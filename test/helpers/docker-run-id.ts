// One id per test process, on everything Docker-related a test creates: the CLI runs with test/helpers/docker-shim
// first on PATH, which labels what it creates `azdeploy.test-run=<id>` and filters `docker ps` to that label; the
// helpers build, list and remove only by it. Random, so two checkouts sharing one engine never collide.
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {repoRoot} from './tls.js'

export const TEST_RUN = randomBytes(4).toString('hex')
export const TEST_RUN_LABEL = `azdeploy.test-run=${TEST_RUN}`

let real: string | null | undefined
/** The real docker CLI on PATH, or null when there is none. */
export function realDocker(): string | null {
  if (real === undefined) {
    try {
      real = execFileSync('sh', ['-c', 'command -v docker'], {encoding: 'utf8'}).trim() || null
    } catch {
      real = null
    }
  }
  return real
}

/** PATH prefix and variables that put the labelling shim in front of the real docker (nothing without docker). */
export function dockerShimEnv(): {pathPrefix: string; env: Record<string, string>} {
  const docker = realDocker()
  if (!docker) return {pathPrefix: '', env: {}}
  return {
    pathPrefix: `${join(repoRoot(), 'test', 'helpers', 'docker-shim')}:`,
    env: {AZDEPLOY_TEST_DOCKER: docker, AZDEPLOY_TEST_RUN: TEST_RUN},
  }
}
