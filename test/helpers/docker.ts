// The real local Docker engine for tests: a check that it answers (CI starts dockerd; a missing engine FAILS the
// suite instead of skipping it), images built FROM scratch with the static busybox of Debian's busybox-static
// (no base image is ever pulled), and the containers `azdeploy up --local` left behind. Everything here is limited
// to this test run's label (docker-run-id.ts): a user's own containers and images are never listed or removed.
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {TEST_RUN, TEST_RUN_LABEL} from './docker-run-id.js'
import {tempDir} from './run-cli.js'

export const BUSYBOX = '/bin/busybox'

function docker(args: string[], timeout = 60_000) {
  const r = spawnSync('docker', args, {encoding: 'utf8', timeout})
  return {code: r.status ?? -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '')}
}

/** Throws (so the test fails) with what to do when the engine or the static busybox is missing. */
export function requireDocker(): void {
  const r = docker(['info', '--format', '{{.ServerVersion}}'], 15_000)
  if (r.code !== 0 || !r.stdout.trim()) {
    throw new Error(
      `The Docker engine does not answer (\`docker info\` exited ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}\n` +
        'These tests need a running dockerd (Debian: apt-get install docker.io; dockerd &), see .ci/run',
    )
  }
  if (!existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: install Debian's busybox-static (the test images are FROM scratch)`)
  }
}

/**
 * Builds `tag` FROM scratch with /bin/busybox and /www/index.html; `entrypoint` is the exec-form ENTRYPOINT.
 * With `dir`, only writes the build context there (for tests that build through the CLI) and returns its path.
 */
export function busyboxContext(o: {entrypoint: string[]; expose?: number[]; dir?: string}): string {
  const dir = o.dir ?? tempDir('bb-image')
  mkdirSync(join(dir, 'www'), {recursive: true})
  copyFileSync(BUSYBOX, join(dir, 'busybox'))
  writeFileSync(join(dir, 'www', 'index.html'), 'hello from scratch\n')
  const lines = ['FROM scratch', 'COPY busybox /bin/busybox', 'COPY www /www']
  for (const p of o.expose ?? []) lines.push(`EXPOSE ${p}`)
  lines.push(`ENTRYPOINT ${JSON.stringify(o.entrypoint)}`)
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`)
  return dir
}

export function buildBusyboxImage(tag: string, o: {entrypoint: string[]; expose?: number[]}): void {
  const dir = busyboxContext(o)
  try {
    const r = docker(['build', '-q', '--platform', 'linux/amd64', '--label', TEST_RUN_LABEL, '-t', tag, dir])
    if (r.code !== 0) throw new Error(`docker build ${tag} failed (${r.code}):\n${r.stderr}`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

export function removeImages(tags: string[]): void {
  if (tags.length) docker(['rmi', '-f', ...tags])
}

/** A name unique to this test run (app names, so container names never collide with another run's). */
export const runScoped = (name: string) => `${name}-${TEST_RUN}`

/** Names of the containers of this test run carrying the label azdeploy.local (running or not). */
export function localContainers(): string[] {
  const r = docker([
    'ps',
    '-a',
    '--filter',
    'label=azdeploy.local',
    '--filter',
    `label=${TEST_RUN_LABEL}`,
    '--format',
    '{{.Names}}',
  ])
  if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr}`)
  return r.stdout.split('\n').filter((l) => l.trim())
}

export function removeContainers(names: string[]): void {
  if (names.length) docker(['rm', '-f', ...names])
}

/** Removes every image this test run built (through the CLI's shim or buildBusyboxImage): they carry its label. */
export function removeRunImages(): void {
  const r = docker(['image', 'ls', '-q', '--no-trunc', '--filter', `label=${TEST_RUN_LABEL}`])
  const ids = [...new Set(r.stdout.split('\n').filter((l) => l.trim()))]
  if (ids.length) docker(['rmi', '-f', ...ids])
}

/** `docker inspect` of one container, parsed. */
export function inspectContainer(name: string): {Config: {Env: string[]; Labels: Record<string, string>}} {
  const r = docker(['container', 'inspect', name])
  if (r.code !== 0) throw new Error(`docker inspect ${name} failed: ${r.stderr}`)
  return (JSON.parse(r.stdout) as Array<{Config: {Env: string[]; Labels: Record<string, string>}}>)[0]!
}
