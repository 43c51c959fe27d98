/**
 * Wiring of `up --local` and `down --local`: settings with the same precedence as `up` (flags > AZDEPLOY_* >
 * azdeploy.yml), the local Docker adapters, and nothing of Azure.
 */
import {basename} from 'node:path'
import {dockerBuild} from '../adapters/docker/docker-cli.js'
import {createDockerRun} from '../adapters/docker/docker-run.js'
import {readConfigFile} from '../adapters/system/config-file.js'
import {systemClock} from '../adapters/system/http-probe.js'
import {freeLocalPort, httpStatus} from '../adapters/system/local-net.js'
import {type DeployFlags, envName, resolveDeployConfig} from '../core/config.js'
import {InputError} from '../core/errors.js'
import {type LocalRunDeps, type LocalRunOutcome, localDown, localRun} from '../services/local-run.js'
import {maskAll, secretsOfRun} from './github.js'
import type {AppIO} from './io.js'

export type LocalContext = Pick<AppIO, 'cwd' | 'env' | 'signal' | 'reporter' | 'cleanup'>

/** A valid app name from the directory name, for a local run without --app. */
export function defaultLocalApp(cwd: string): string {
  const name = basename(cwd)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return name.length >= 2 ? name : 'app'
}

export async function upLocal(
  flags: DeployFlags & {
    config?: string | undefined
    detach?: boolean
    'local-port'?: number | undefined
    dockerfile?: string | undefined
    context?: string | undefined
    'build-arg'?: string[] | undefined
    target?: string | undefined
    from?: string | undefined
  },
  ctx: LocalContext,
): Promise<LocalRunOutcome> {
  if (flags.from) {
    throw new InputError(
      'INVALID_FLAGS',
      '--from cannot be used with --local',
      'Load the image into Docker (`docker load`) and pass --image NAME',
    )
  }
  const {file} = await readConfigFile(flags.config, ctx.cwd)
  const app = flags.app ?? (ctx.env[envName('app')] || undefined) ?? (file.app as string | undefined)
  const config = resolveDeployConfig({...flags, app: app ?? defaultLocalApp(ctx.cwd)}, ctx.env, file)
  maskAll(ctx.reporter, secretsOfRun(flags.env, file, ctx.env, undefined, config.settings))
  const docker = createDockerRun({env: ctx.env, ...(ctx.cleanup ? {cleanup: ctx.cleanup} : {})})
  const deps: LocalRunDeps = {
    docker,
    ...(ctx.cleanup ? {cleanup: ctx.cleanup} : {}),
    build: (spec, onLine) => dockerBuild(spec, {env: ctx.env, onLine, signal: ctx.signal, withoutDocker: ''}),
    freePort: freeLocalPort,
    http: httpStatus,
    clock: systemClock,
  }
  return localRun(
    {
      app: config.app,
      ...(config.image ? {image: config.image} : {}),
      ...(config.port !== undefined ? {port: config.port} : {}),
      settings: config.settings,
      ...(config.healthPath ? {healthPath: config.healthPath} : {}),
      build: {
        ...(flags.dockerfile ? {dockerfile: flags.dockerfile} : {}),
        ...(flags.context ? {context: flags.context} : {}),
        ...(flags['build-arg'] ? {buildArgs: flags['build-arg']} : {}),
        ...(flags.target ? {target: flags.target} : {}),
      },
      detach: Boolean(flags.detach),
      ...(flags['local-port'] !== undefined ? {localPort: flags['local-port']} : {}),
      ...(flags.timeout !== undefined ? {timeoutSec: config.timeoutSec} : {}),
      cwd: ctx.cwd,
      signal: ctx.signal,
    },
    deps,
    ctx.reporter,
  )
}

export async function downLocal(app: string | undefined, ctx: LocalContext): Promise<{removed: string[]}> {
  return localDown(app?.toLowerCase(), createDockerRun({env: ctx.env}), ctx.reporter)
}
