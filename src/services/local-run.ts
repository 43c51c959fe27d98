/**
 * `azdeploy up --local`: runs the image with the local Docker engine the way App Service runs it (app settings as
 * environment, PORT/WEBSITES_PORT, one published port, the start time limit, an HTTP ping until it answers), and
 * says which failure class happened when it does not answer. `down --local` removes such containers.
 * Image → port → run → wait (ping ‖ exit ‖ socket peeks) → serve (foreground until Ctrl-C) or detach.
 */
import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {escapeControl, shownPath} from '../core/display.js'
import {InputError, InterruptedError, RejectedError, UnhealthyError} from '../core/errors.js'
import {localContainerName} from '../core/local-run.js'
import type {Secret} from '../core/secret.js'
import type {Reporter} from '../output/reporter.js'
import {noExitCleanup} from '../ports/cleanup.js'
import type {BuildSpec, DockerRunPort, ImageFacts, LocalRunDeps} from '../ports/index.js'
import {waitServing} from './local-wait.js'
import {explicitPortWins} from './resolve-image.js'

export interface LocalRunRequest {
  app: string
  image?: string
  port?: number
  settings: Record<string, Secret>
  healthPath?: string
  /** Without an image: what to build (paths relative to cwd). */
  build?: {dockerfile?: string; context?: string; buildArgs?: string[]; target?: string}
  detach: boolean
  localPort?: number
  /** --timeout: overrides WEBSITES_CONTAINER_START_TIME_LIMIT (default 230 s). */
  timeoutSec?: number
  cwd: string
  signal: AbortSignal
}

export type {LocalRunDeps}

/** The `--json` document of `up --local --detach` (and of a foreground run once stopped). */
export interface LocalRunOutcome {
  url: string
  container: string
  port: number
  image: string
}

export const DEFAULT_START_LIMIT_SEC = 230
const MAX_START_LIMIT_SEC = 1800
/** Variables App Service sets itself; same-named app settings are ignored. */
const PLATFORM_VARS = ['PORT', 'WEBSITES_PORT', 'WEBSITE_SITE_NAME', 'WEBSITE_HOSTNAME']

/** Refuses an image that App Service could not run. */
function checkPlatform(ref: string, facts: ImageFacts): void {
  if ((facts.os && facts.os !== 'linux') || (facts.architecture && facts.architecture !== 'amd64')) {
    throw new InputError(
      'IMAGE_PLATFORM',
      `Image ${ref} is ${facts.os}/${facts.architecture}; App Service (Linux) runs linux/amd64 only`,
      'Build it with `docker build --platform linux/amd64`',
    )
  }
}

async function resolveLocalImage(req: LocalRunRequest, deps: LocalRunDeps, out: Reporter) {
  let ref = req.image
  if (!ref) {
    const context = resolve(req.cwd, req.build?.context ?? '.')
    const dockerfile = resolve(req.cwd, req.build?.dockerfile ?? join(context, 'Dockerfile'))
    if (!existsSync(dockerfile)) {
      throw new InputError(
        'IMAGE_REQUIRED',
        `No image to run: no --image, and no Dockerfile at ${shownPath(dockerfile)}`,
        'Pass --image NAME (an image of your local Docker engine), or --dockerfile PATH to build one',
      )
    }
    const tag = `azdeploy-local/${req.app}:latest`
    ref = tag
    const spec: BuildSpec = {...req.build, context, dockerfile, tag}
    await out.stage(`Build ${tag}`, (update) => deps.build(spec, (l) => l.trim() && update(l.trim().slice(0, 100))))
  }
  const facts = await deps.docker.inspectImage(ref)
  if (!facts) {
    throw new InputError(
      'IMAGE_NOT_FOUND',
      `Image ${ref} is not in the local Docker engine`,
      `Build it, or \`docker pull --platform linux/amd64 ${ref}\` first: local runs never pull`,
    )
  }
  checkPlatform(ref, facts)
  return {ref, facts}
}

function choosePort(req: LocalRunRequest, facts: ImageFacts, out: Reporter): number {
  const exposed = [...new Set(facts.exposedPorts)].sort((a, b) => a - b)
  if (req.port !== undefined) {
    if (exposed.length > 0 && !exposed.includes(req.port)) out.warn(explicitPortWins(req.port, exposed))
    return req.port
  }
  if (exposed.length === 1) return exposed[0]!
  if (exposed.length === 0) {
    out.info('note: the image exposes no port and none was given: pinging port 80, as App Service does')
    return 80
  }
  const port = exposed.includes(80) ? 80 : exposed.includes(8080) ? 8080 : exposed[0]!
  out.warn(`the image exposes ${exposed.join(', ')}: using ${port}; pass --port to choose`)
  return port
}

function startLimitSec(req: LocalRunRequest, out: Reporter): number {
  if (req.timeoutSec !== undefined) return req.timeoutSec
  const raw = req.settings['WEBSITES_CONTAINER_START_TIME_LIMIT']?.reveal()
  if (raw === undefined) return DEFAULT_START_LIMIT_SEC
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) {
    out.warn(
      `WEBSITES_CONTAINER_START_TIME_LIMIT is not a number of seconds (value not shown): using ${DEFAULT_START_LIMIT_SEC}`,
    )
    return DEFAULT_START_LIMIT_SEC
  }
  return Math.min(n, MAX_START_LIMIT_SEC)
}

/** Starts the container; retries once on a host port taken between choosing and binding it. */
async function start(req: LocalRunRequest, deps: LocalRunDeps, image: string, port: number, name: string) {
  const settings: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.settings))
    if (!PLATFORM_VARS.includes(k.toUpperCase())) settings[k] = v.reveal()
  for (let attempt = 0; ; attempt++) {
    const hostPort = req.localPort ?? (await deps.freePort())
    const platformEnv = {
      PORT: String(port),
      WEBSITES_PORT: String(port),
      WEBSITE_SITE_NAME: req.app,
      WEBSITE_HOSTNAME: `localhost:${hostPort}`,
    }
    const r = await deps.docker.run({
      name,
      app: req.app,
      image,
      hostPort,
      port,
      platformEnv,
      settings,
      signal: req.signal,
    })
    if ('id' in r) return {hostPort, startedAt: deps.clock.now()}
    const state = await deps.docker.state(name)
    await deps.docker.remove(name).catch(() => false)
    if (req.signal.aborted) throw new InterruptedError(`Interrupted; the local container ${name} was removed`)
    if (r.portTaken && req.localPort !== undefined) {
      throw new InputError(
        'LOCAL_PORT_IN_USE',
        `Port ${req.localPort} on 127.0.0.1 is in use`,
        'Pass another --local-port, or leave it out to use a free one',
      )
    }
    if (r.portTaken && attempt === 0) continue
    if (state && !r.portTaken) {
      // Created but not started: the engine could not exec the entrypoint (missing, not executable, wrong arch).
      const reason = /start container process: (.*?)(?::\s*unknown)?$/.exec(r.error)?.[1] ?? r.error
      throw new UnhealthyError(
        `The container could not start (status ${state.exitCode || 127}): ${reason} (failure class: exited)`,
        "Check the image's ENTRYPOINT/CMD: the program must exist in the image and be executable for linux/amd64",
      )
    }
    throw new RejectedError('DOCKER_RUN_FAILED', `docker run failed: ${r.error}`)
  }
}

export async function localRun(req: LocalRunRequest, deps: LocalRunDeps, out: Reporter): Promise<LocalRunOutcome> {
  const {ref, facts} = await resolveLocalImage(req, deps, out).catch((err) => {
    throw req.signal.aborted ? new InterruptedError('Interrupted; nothing was started') : err
  })
  const port = choosePort(req, facts, out)
  const limitSec = startLimitSec(req, out)
  const name = localContainerName(req.app)
  const existing = await deps.docker.existing(name)
  if (existing && !existing.ours) {
    throw new InputError(
      'CONTAINER_NAME_TAKEN',
      `A container named ${name} exists and azdeploy did not start it`,
      `Remove it (docker rm -f ${name}) or pass another --app`,
    )
  }
  if (existing) {
    out.info(`Replacing the earlier local container ${name}`)
    await deps.docker.remove(name)
  }
  const forget = (deps.cleanup ?? noExitCleanup).onExit(
    () => deps.docker.removeNow(name),
    `removed the local container ${name}`,
  )
  const {hostPort, startedAt} = await out
    .stage(`Start ${name} from ${ref}`, () => start(req, deps, ref, port, name))
    .catch((err) => {
      forget()
      throw err
    })
  const url = `http://127.0.0.1:${hostPort}${req.healthPath ?? '/'}`
  const outcome: LocalRunOutcome = {url: `http://127.0.0.1:${hostPort}/`, container: name, port, image: ref}
  const streamed = out.mode !== 'json'
  const logs = deps.docker.follow(
    name,
    streamed ? (l) => out.info(`| ${escapeControl(l, out.mode === 'human' ? 'tty' : 'plain')}`) : undefined,
  )
  const waiter = deps.docker.wait(name)
  let keep = false
  try {
    out.info(`Waiting up to ${limitSec} s for ${url} to answer (container port ${port})`)
    const line = out.wait(`waiting for ${url}`, {limitMs: limitSec * 1000})
    const verdict = await waitServing({
      url,
      strict: req.healthPath !== undefined,
      port,
      limitMs: limitSec * 1000,
      startedAt,
      container: name,
      signal: req.signal,
      exited: waiter.exited,
      deps,
      warn: (m) => out.warn(m),
      command: facts.command,
    }).catch((e: unknown) => {
      line.stop()
      throw e
    })
    if (verdict.failure) {
      line.stop()
      // After an exit the log stream ends by itself: let its last lines arrive before quoting them.
      if (verdict.exited) await settled(logs.ended)
      const output = streamed ? '' : `\nLast output of the container:\n${tailText(logs.tail())}`
      const {message, hint} = verdict.failure
      throw new UnhealthyError(`${message} (failure class: ${verdict.failure.class})${output}`, hint)
    }
    line.done(`${url} answered`)
    out.result([
      `Serving at ${outcome.url} (container ${name}, port ${port})`,
      req.detach
        ? `Stop it with: azdeploy down --local --app ${req.app}`
        : 'Press Ctrl-C to stop and remove the container.',
    ])
    if (req.detach) {
      keep = true
      return outcome
    }
    const stopped = await Promise.race([
      waiter.exited.then((code) => ({code})),
      new Promise<{code?: undefined}>((done) => {
        if (req.signal.aborted) done({})
        req.signal.addEventListener('abort', () => done({}), {once: true})
      }),
    ])
    if (stopped.code !== undefined) {
      await settled(logs.ended)
      throw new UnhealthyError(
        `The container exited with status ${stopped.code} after it served${streamed ? '' : `:\n${tailText(logs.tail())}`}`,
        'Read its last output; it must keep running in the foreground',
      )
    }
    out.info(`Stopping and removing ${name}`)
    return outcome
  } catch (err) {
    if (req.signal.aborted && !(err instanceof UnhealthyError)) {
      throw new InterruptedError(`Interrupted; the local container ${name} was stopped and removed`)
    }
    throw err
  } finally {
    logs.stop()
    waiter.stop()
    if (!keep) await deps.docker.remove(name).catch(() => false)
    forget()
  }
}

const tailText = (lines: string[]) =>
  lines
    .slice(-15)
    .map((l) => `  | ${l}`)
    .join('\n') || '  (no output)'

/** Waits for `p`, at most 2 s. */
const settled = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setTimeout(r, 2000).unref())])

/** `down --local`: removes the local container of one app, or every container azdeploy started locally. */
export async function localDown(
  app: string | undefined,
  docker: Pick<DockerRunPort, 'list' | 'remove'>,
  out: Reporter,
): Promise<{removed: string[]}> {
  const found = await docker.list(app)
  const removed: string[] = []
  for (const c of found) if (await docker.remove(c.id)) removed.push(c.name)
  out.result([
    removed.length ? `Removed: ${removed.join(', ')}` : `No local container${app ? ` of ${app}` : ''} to remove.`,
  ])
  return {removed}
}
