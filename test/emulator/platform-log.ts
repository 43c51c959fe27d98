// The App Service platform ("docker") log of a simulated container start, in the three line families of
// azure-reference.md §5.1, and the failure scenarios of §5/§5.1 with the wording those sections record:
//   classic  `2020-02-27 20:26:50.967 INFO  - Pulling image: …`            (space, no T/Z)
//   docker   `2023-09-28T12:27:37.414Z INFO  - Container … initialized …`  (3-digit fraction, padded level) – default
//   platform `2026-01-21T12:43:18.4886328Z Starting container: …`          (7-digit fraction, no level, no pull lines)
// The platform family's success wording is not documented anywhere (§5.1); the success line written here
// ("Site started.") is the emulator's own invention, so tests must not depend on it.

import {randomBytes} from 'node:crypto'

export type LogFormat = 'classic' | 'docker' | 'platform'

export type FailureScenario =
  /** The app listens on another port than the configured one (behavior.listenPort or configured + 1). */
  | 'wrong-port'
  /** The app binds 127.0.0.1, so pings from outside the container get no answer. */
  | 'localhost'
  /** The app never answers within WEBSITES_CONTAINER_START_TIME_LIMIT (default 230 s). */
  | 'start-timeout'
  /** The process exits at start. */
  | 'exited'
  /** The process exits at every start (the platform retries, then stops the site). */
  | 'crash-loop'
  | 'pull-unauthorized'
  | 'manifest-unknown'
  /** arm64 image on amd64 workers: `exec format error`. */
  | 'wrong-platform'

export const FAILURES: readonly FailureScenario[] = [
  'wrong-port',
  'localhost',
  'start-timeout',
  'exited',
  'crash-loop',
  'pull-unauthorized',
  'manifest-unknown',
  'wrong-platform',
]

export interface StartFacts {
  site: string
  container: string
  /** Image reference without the DOCKER| prefix. */
  ref: string
  port: number
  /** Port the app really listens on (wrong-port). */
  listenPort?: number
  host: string
  startLimitSec: number
}

/** A platform log line in the given family ('ERROR' lines lose their level in the platform family). */
export function platformLine(format: LogFormat, level: 'INFO' | 'ERROR', msg: string, at = new Date()): string {
  const iso = at.toISOString()
  if (format === 'classic')
    return `${iso.replace('T', ' ').replace('Z', '')} ${level === 'INFO' ? 'INFO  -' : 'ERROR -'} ${msg}\n`
  if (format === 'platform')
    return `${iso.replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${fraction4(at)}Z`)} ${msg}\n`
  return `${iso} ${level === 'INFO' ? 'INFO  -' : 'ERROR -'} ${msg}\n`
}

/** A line on the container's stdout: Docker's 9-digit timestamps in the platform family, else as before. */
export function stdoutLine(format: LogFormat, msg: string, at = new Date()): string {
  const iso = at.toISOString()
  if (format !== 'platform') return `${iso} ${msg}\n`
  return `${iso.replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${fraction4(at)}00Z`)} ${msg}\n`
}

/** Sub-millisecond digits: random, but increasing within one millisecond so lines keep their order. */
let lastMs = Number.NaN
let seq = 0
function fraction4(at: Date): string {
  const ms = at.getTime()
  seq = ms === lastMs ? Math.min(seq + 1, 9999) : Math.floor(Math.random() * 5000)
  lastMs = ms
  return String(seq).padStart(4, '0')
}

type Msg = ['INFO' | 'ERROR', string]

/** Lines written when a start begins (pull and `docker run`; the platform family has none of those). */
export function startLines(format: LogFormat, f: StartFacts, failure?: FailureScenario): Msg[] {
  if (format === 'platform') {
    if (failure === 'pull-unauthorized' || failure === 'manifest-unknown') return []
    return [
      ['INFO', `Starting container: ${f.container}.`],
      ['INFO', 'Starting watchers and probes.'],
    ]
  }
  const out: Msg[] = [['INFO', `Pulling image: ${f.ref}`]]
  if (failure === 'pull-unauthorized' || failure === 'manifest-unknown') return out
  out.push(['INFO', 'Pull Image successful, Time taken: 0 Seconds'], ['INFO', 'Starting container for site'])
  out.push([
    'INFO',
    `docker run -d -p 8080:${f.port} --name ${f.container} -e WEBSITES_PORT=${f.port} -e WEBSITE_SITE_NAME=${f.site} ` +
      `-e WEBSITE_AUTH_ENABLED=False -e PORT=${f.port} -e WEBSITE_ROLE_INSTANCE_ID=0 -e WEBSITE_HOSTNAME=${f.host} ` +
      `-e WEBSITE_INSTANCE_ID=${randomBytes(16).toString('hex')} ${f.ref}`,
  ])
  out.push(['INFO', `Initiating warmup request to container ${f.container} for site ${f.site}`])
  return out
}

export function successLines(format: LogFormat, f: StartFacts): Msg[] {
  if (format === 'platform') {
    return [
      ['INFO', 'Container is running.'],
      ['INFO', 'Container start method finished after 31 ms.'],
      ['INFO', 'Site started.'],
    ]
  }
  return [
    ['INFO', `Container ${f.container} for site ${f.site} initialized successfully and is ready to serve requests.`],
  ]
}

/** Platform-log lines of a failed start, and what the container printed on its stdout before. */
export function failureLines(
  format: LogFormat,
  f: StartFacts,
  failure: FailureScenario,
): {log: Msg[]; stdout: string[]} {
  const stdout = stdoutOf(f, failure)
  if (format === 'platform') return {log: platformFailure(f, failure), stdout}
  const stop: Msg = ['INFO', `Stopping site ${f.site} because it failed during startup.`]
  const pings: Msg = [
    'ERROR',
    `Container ${f.container} didn't respond to HTTP pings on port: ${f.port}, failing site start. See container logs for debugging.`,
  ]
  const exited: Msg = ['ERROR', `Container ${f.container} for site ${f.site} has exited, failing site start`]
  switch (failure) {
    case 'wrong-port':
    case 'localhost':
      return {log: [pings, stop], stdout}
    case 'start-timeout':
      return {
        log: [
          [
            'INFO',
            `Waiting for response to warmup request for container ${f.container}. Elapsed time = ${f.startLimitSec}.5 sec`,
          ],
          [
            'ERROR',
            `Container ${f.container} for site ${f.site} did not start within expected time limit. Elapsed time = ${f.startLimitSec}.8 sec`,
          ],
          pings,
          stop,
        ],
        stdout,
      }
    case 'exited':
    case 'wrong-platform':
      return {log: [exited, stop], stdout}
    case 'crash-loop':
      return {
        log: [
          exited,
          ['INFO', 'Starting container for site'],
          exited,
          ['INFO', 'Starting container for site'],
          exited,
          stop,
        ],
        stdout,
      }
    case 'pull-unauthorized':
    case 'manifest-unknown':
      return {log: [...pullError(f, failure), stop], stdout}
  }
}

function pullError(f: StartFacts, failure: 'pull-unauthorized' | 'manifest-unknown'): Msg[] {
  const [repo, tag] = splitRef(f.ref)
  const detail =
    failure === 'pull-unauthorized'
      ? `Head "https://${repo.split('/')[0]}/v2/${repo.split('/').slice(1).join('/')}/manifests/${tag}": unauthorized: authentication required`
      : `manifest for ${f.ref} not found: manifest unknown: manifest unknown`
  return [
    [
      'ERROR',
      `DockerApiException: Docker API responded with status code=InternalServerError, response={"message":"${detail}"}`,
    ],
    ['ERROR', 'Image pull failed. Defaulting to local copy if present.'],
    ['ERROR', 'Image pull failed: Verify docker image configuration and credentials (if using private repository)'],
  ]
}

function platformFailure(f: StartFacts, failure: FailureScenario): Msg[] {
  const tail: Msg[] = [
    ['INFO', 'Failed to start site. Revert by stopping site.'],
    ['INFO', `Site container: ${f.site} terminated during site startup.`],
    ['INFO', `Site: ${f.site} stopped.`],
  ]
  const started: Msg[] = [
    ['INFO', 'Container is running.'],
    ['INFO', 'Container start method finished after 31 ms.'],
  ]
  switch (failure) {
    case 'wrong-port':
    case 'localhost':
    case 'start-timeout':
      return [...started, ['ERROR', `Site startup probe failed after ${f.startLimitSec}.1241714 seconds.`], ...tail]
    case 'exited':
    case 'wrong-platform':
    case 'crash-loop':
      return tail
    case 'pull-unauthorized':
    case 'manifest-unknown':
      // The new platform's pull-failure wording is not recorded anywhere (§5.1); this line is the emulator's.
      return [
        [
          'ERROR',
          `Failed to pull image ${f.ref}: ${failure === 'pull-unauthorized' ? 'unauthorized: authentication required' : 'manifest unknown'}.`,
        ],
        ...tail,
      ]
  }
}

function stdoutOf(f: StartFacts, failure: FailureScenario): string[] {
  switch (failure) {
    case 'wrong-port':
      return [`Listening on port ${f.listenPort ?? f.port + 1}`]
    case 'localhost':
      return [`Listening on http://127.0.0.1:${f.port}`]
    case 'start-timeout':
      return ['Loading…']
    case 'exited':
    case 'crash-loop':
      return ['Error: boom', '    at main (/app/server.js:1:1)']
    case 'wrong-platform':
      return [
        'exec /usr/local/bin/docker-entrypoint.sh: exec format error',
        'exec user process caused: exec format error',
      ]
    default:
      return []
  }
}

function splitRef(ref: string): [string, string] {
  const at = ref.indexOf('@')
  if (at > 0) return [ref.slice(0, at), ref.slice(at + 1)]
  const colon = ref.lastIndexOf(':')
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest']
}
