/**
 * `azdeploy rollback` wired: pick the release (services/rollback.ts), confirm (it changes production: --yes
 * without a terminal), then the same deploy phases as `up` with that release's image digest and port.
 */
import {readConfigFile} from '../adapters/system/config-file.js'
import {resolveDeployConfig, resolveKeepReleases} from '../core/config.js'
import {CONFIG_DEFINITION} from '../core/config-definition.js'
import {timeoutDeadline} from '../core/deadline.js'
import {InputError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import {siteRef} from '../core/site-ref.js'
import {withDeadline} from './deadline.js'
import type {AppIO} from './io.js'
import {type AppTargetInput, appTarget} from './status.js'

export interface RollbackInput extends AppTargetInput {
  to?: number | undefined
  yes?: boolean
  timeout?: number | undefined
  'lock-wait'?: number | undefined
  'no-wait'?: boolean
  /** Automatic rollback after release `failed` did not serve: restore the current release and mark `failed` rolled back. */
  afterFailed?: number | 'latest'
}

export interface RollbackOutcome {
  app: string
  resourceGroup: string
  /** The release that was current before. */
  from: number
  /** The release whose image was restored. */
  to: number
  /** The `rollback` release recorded (null when nothing had to change). */
  release: number | null
  changed: boolean
  image: string
  digest: string
  port: number | null
  url: string | null
  health: string
  settings: {changed: string[]; missing: string[]; added: string[]}
  /** The command that undoes this rollback. */
  undo: string
}

/** The whole rollback (sign-in, reads, the write and the health wait) ends by its --timeout (default 300 s). */
export function runRollback(f: RollbackInput, io: AppIO): Promise<RollbackOutcome> {
  const timeout = f.timeout ?? CONFIG_DEFINITION.timeout.default
  return withDeadline(io, timeoutDeadline(timeout), (dio) => rollback(f, dio))
}

async function rollback(f: RollbackInput, io: AppIO): Promise<RollbackOutcome> {
  const {file} = await readConfigFile(f.config, io.cwd)
  const target = await appTarget(f, io)
  const keep = resolveKeepReleases({}, io.env, file)
  const knobs = readKnobs(io.env)
  const [{connectAzure}, {readReleases}, rb, {deploy}, {deployActor}] = await Promise.all([
    import('./azure-ports.js'),
    import('../services/releases.js'),
    import('../services/rollback.js'),
    import('../services/deploy.js'),
    import('./actor.js'),
  ])
  const {ctx, ports} = await connectAzure(target, io)
  const ref = siteRef(target.resourceGroup, target.app)
  const [list, settings, config] = await io.reporter.stage('Read releases', () =>
    Promise.all([
      readReleases(target, ports.app, Date.now()),
      ports.app.listAppSettings(ref),
      ports.app.getSiteConfig(ref),
    ]),
  )
  const chosen = rb.chooseRollbackTarget(list, f.afterFailed !== undefined ? list.current?.id : f.to, target.app)
  const failed =
    f.afterFailed === undefined
      ? undefined
      : f.afterFailed === 'latest'
        ? [...list.releases].reverse().find((r) => r.status === 'failed')
        : list.releases.find((r) => r.id === f.afterFailed)
  const {target: release} = chosen
  const current = failed ?? chosen.current
  const image = rb.releaseImage(release)
  const report = rb.settingsReport(release, current, settings ?? {})
  for (const line of rb.settingsNotes(report, release.id)) io.reporter.warn(line)
  const what = `Roll ${target.app} back from release ${current.id} to release ${release.id} (${release.image}, ${release.digest})?`
  if (!(await io.confirm(what, f.yes))) {
    throw new InputError(
      'CONFIRMATION_REQUIRED',
      `Refusing to roll back ${target.app} without confirmation: it changes production`,
      'Pass --yes (no terminal to ask in)',
    )
  }
  const g = `-g ${target.resourceGroup}`
  const undo = `azdeploy rollback --app ${target.app} ${g} --to ${current.id}`
  const flags = {
    app: target.app,
    'resource-group': target.resourceGroup,
    image,
    ...(release.port ? {port: String(release.port)} : {}),
    ...(f.timeout !== undefined ? {timeout: f.timeout} : {}),
    ...(config?.healthCheckPath ? {'health-path': config.healthCheckPath} : {}),
    ...(target.subscription ? {subscription: target.subscription} : {}),
    ...(target.cloud ? {cloud: target.cloud} : {}),
  }
  // Only what the release recorded: no AZDEPLOY_* or azdeploy.yml setting may change plan, SKU or settings here.
  const cfg = resolveDeployConfig(flags, {}, {})
  cfg.keepReleases = keep
  const outcome = await deploy(
    {
      config: cfg,
      subscriptionId: ctx.subscriptionId,
      dryRun: false,
      wait: !f['no-wait'],
      signal: io.signal,
      ...(io.deadlineAt !== undefined ? {deadlineAt: io.deadlineAt} : {}),
      pollIntervalMs: knobs.pollIntervalMs,
      gate: {rolePropagationMs: knobs.rolePropagationMs, pullRetryMs: knobs.pullRetryMs, logGraceMs: knobs.logGraceMs},
      force: true,
      release: {
        kind: 'rollback',
        actor: await deployActor(ctx, io.env, io.signal),
        keep,
        lockWaitMs: (f['lock-wait'] ?? 0) * 1000,
        lockPollMs: knobs.lockPollMs,
        restores: release.id,
        settings: report.recorded,
        replaces: current,
      },
    },
    ports,
    io.reporter,
  )
  return {
    app: target.app,
    resourceGroup: target.resourceGroup,
    from: current.id,
    to: release.id,
    release: outcome.changed ? outcome.release : null,
    changed: outcome.changed,
    image: release.image,
    digest: release.digest,
    port: release.port || null,
    url: outcome.url,
    health: outcome.health,
    settings: {changed: report.changed, missing: report.missing, added: report.added},
    undo,
  }
}
