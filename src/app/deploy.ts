/**
 * `azdeploy up` wired: config (flags > AZDEPLOY_* > azdeploy.yml > defaults), the registry password source,
 * sign-in, an image built and pushed when none is given, then the deploy phases over the Azure adapters.
 */
import {readConfigFile, readStdinSecret} from '../adapters/system/config-file.js'
import {type DeployConfig, type DeployFlags, resolveDeployConfig} from '../core/config.js'
import {commandDeadline, timeoutDeadline} from '../core/deadline.js'
import {AzdeployError, UnhealthyError} from '../core/errors.js'
import type {GitState} from '../core/image-tag.js'
import {readKnobs} from '../core/knobs.js'
import {Secret} from '../core/secret.js'
import type {DeployOptions, DeployOutcome, DeployPorts} from '../services/deploy.js'
import type {DeployFinding} from '../services/deploy-preflight.js'
import type {UnbuiltImage} from '../services/resolve-image.js'
import type {SlotDeployOutcome, SlotRecovery} from '../services/slot-deploy.js'
import {recoverySignal, withDeadline} from './deadline.js'
import {maskAll, maskContextTokens, secretsOfRun} from './github.js'
import type {AppIO} from './io.js'
import {pushTools} from './push-tools.js'
import type {AzureContext} from './session.js'

export interface UpInput extends DeployFlags {
  config?: string | undefined
  'registry-password-stdin'?: boolean
  'dry-run'?: boolean
  'no-wait'?: boolean
  'no-rollback'?: boolean
  force?: boolean
  yes?: boolean
  from?: string | undefined
  dockerfile?: string | undefined
  context?: string | undefined
  'build-arg'?: string[] | undefined
  target?: string | undefined
  'lock-wait'?: number | undefined
}

/** The registry password never comes from argv: stdin when asked, else AZDEPLOY_REGISTRY_PASSWORD. */
export async function registryPassword(fromStdin: boolean | undefined, env: AppIO['env']): Promise<Secret | undefined> {
  if (fromStdin) return new Secret(await readStdinSecret())
  const v = env['AZDEPLOY_REGISTRY_PASSWORD']
  return v ? new Secret(v) : undefined
}

export async function runUp(f: UpInput, io: AppIO): Promise<DeployOutcome> {
  const {file} = await readConfigFile(f.config, io.cwd)
  const config = resolveDeployConfig(f, io.env, file)
  const knobs = readKnobs(io.env)
  const password = await registryPassword(f['registry-password-stdin'], io.env)
  // The run's secret set; in GitHub Actions also announced before any other line.
  maskAll(io.reporter, secretsOfRun(f.env, file, io.env, password, config.settings))
  const {preloadArmSdks} = await import('./azure-ports.js')
  let preload: Promise<unknown> = Promise.resolve()
  const {createAzureContext} = await import('./session.js')
  const ctx = await createAzureContext({
    cloud: config.cloud,
    subscription: config.subscription,
    env: io.env,
    secrets: io.reporter,
    whileSigningIn: () => {
      preload = preloadArmSdks()
    },
  })
  await maskContextTokens(ctx)
  let git: GitState | undefined
  let source: SourceImage = {findings: []}
  if (!config.image) {
    // A build and push is bounded like `push`; --timeout bounds the Azure part that follows.
    git = await pushTools(io.reporter, io.signal)
      .builder.gitState(f.context ?? io.cwd)
      .catch(() => undefined)
    const built = await withDeadline(io, commandDeadline('push', knobs), (pio) => imageOfSource(f, config, ctx, pio))
    config.image = built.image
    source = built
  }
  await preload
  try {
    return await withDeadline(io, timeoutDeadline(config.timeoutSec), (dio) =>
      deployPhases(f, config, ctx, {git, password, source}, dio),
    )
  } catch (e) {
    // The automatic rollback gets its own --timeout: the deploy's deadline may be spent. A slot deploy never
    // touched production (or swapped back itself).
    throw config.slot ? e : await rollBackAfterFailure(e, f, config, io)
  }
}

/** What `up` knows of an image it built (or, in a dry run, would build): doctor's findings, the unbuilt image. */
interface SourceImage {
  findings: DeployFinding[]
  unbuilt?: UnbuiltImage | undefined
}

async function deployPhases(
  f: UpInput,
  config: DeployConfig,
  ctx: AzureContext,
  run: {git: GitState | undefined; password: Secret | undefined; source: SourceImage},
  io: AppIO,
): Promise<DeployOutcome> {
  const knobs = readKnobs(io.env)
  const {createAzurePorts} = await import('./azure-ports.js')
  const [{deployActor, releaseSource}] = await Promise.all([import('./actor.js')])
  const source = releaseSource(io.env, run.git)
  const options = {
    config,
    subscriptionId: ctx.subscriptionId,
    ...(run.password ? {registryPassword: run.password} : {}),
    dryRun: f['dry-run'] === true,
    wait: !f['no-wait'],
    signal: io.signal,
    ...(io.deadlineAt !== undefined ? {deadlineAt: io.deadlineAt} : {}),
    pollIntervalMs: knobs.pollIntervalMs,
    gate: {rolePropagationMs: knobs.rolePropagationMs, pullRetryMs: knobs.pullRetryMs, logGraceMs: knobs.logGraceMs},
    force: f.force === true,
    findings: run.source.findings,
    ...(run.source.unbuilt ? {unbuilt: run.source.unbuilt} : {}),
    release: {
      kind: 'deploy' as const,
      actor: await deployActor(ctx, io.env, io.signal),
      ...(source ? {source} : {}),
      keep: config.keepReleases,
      lockWaitMs: (f['lock-wait'] ?? 0) * 1000,
      lockPollMs: knobs.lockPollMs,
    },
  }
  const ports = createAzurePorts(ctx, io.reporter, io.signal, io.env)
  if (config.slot) {
    // A swap back must still run when the deadline cut the wait for production: fresh ports, bounded on their own.
    const recovery = () => createAzurePorts(ctx, io.reporter, recoverySignal(io), io.env).app
    return runSlotDeploy(options, config.slot, ports, io, recovery)
  }
  const {deploy} = await import('../services/deploy.js')
  return deploy(options, ports, io.reporter)
}

/**
 * `up` without --image: build and push (doctor's error-level findings on the Dockerfile stop it first), or, in a
 * dry run, only name the image that would be pushed; nothing is built, pushed or created then.
 */
async function imageOfSource(
  f: UpInput,
  config: DeployConfig,
  ctx: AzureContext,
  io: AppIO,
): Promise<{image: string; findings: DeployFinding[]; unbuilt?: UnbuiltImage}> {
  const [source, {azureForPush}] = await Promise.all([import('../services/source-image.js'), import('./push-azure.js')])
  const request = {
    config,
    force: f.force === true,
    yes: f.yes === true,
    ...(f.from ? {from: f.from} : {}),
    ...(f.dockerfile ? {dockerfile: f.dockerfile} : {}),
    ...(f.context ? {context: f.context} : {}),
    ...(f['build-arg'] ? {buildArgs: f['build-arg']} : {}),
    ...(f.target ? {target: f.target} : {}),
    cwd: io.cwd,
    signal: io.signal,
    confirm: (q: string) => io.confirm(q, f.yes),
  }
  const deps = {azure: async () => azureForPush(ctx, io.reporter, io.signal), ...pushTools(io.reporter, io.signal)}
  if (!f['dry-run']) return source.imageFromSource(request, deps, io.reporter)
  const planned = await source.plannedSourceImage(request, deps)
  const unbuilt = {image: planned.image, registryExists: planned.registryExists, warnings: planned.warnings}
  return {image: planned.image, findings: planned.findings, unbuilt}
}

/**
 * A new container that did not start (exit 5) is rolled back to the release that served before, unless
 * --no-rollback or there is none (a first deploy). Returns the error to end with: the health gate's own.
 */
async function rollBackAfterFailure(e: unknown, f: UpInput, config: DeployConfig, io: AppIO): Promise<unknown> {
  if (!(e instanceof UnhealthyError) || f['dry-run']) return e
  if (f['no-rollback']) {
    io.reporter.warn(
      `--no-rollback: ${config.app} stays on the release that failed; \`azdeploy rollback\` restores the previous one`,
    )
    return e
  }
  const {runRollback} = await import('./rollback.js')
  try {
    io.reporter.warn('the new container did not start: rolling back to the release that served before')
    const r = await runRollback(
      {
        app: config.app,
        'resource-group': config.resourceGroup,
        ...(config.subscription ? {subscription: config.subscription} : {}),
        ...(config.cloud ? {cloud: config.cloud} : {}),
        yes: true,
        afterFailed: 'latest',
      },
      io,
    )
    return new UnhealthyError(
      `${e.message}. Rolled back: release ${r.to} serves again (as release ${r.release})`,
      e.hint,
    )
  } catch (rollbackError) {
    if (rollbackError instanceof AzdeployError && rollbackError.code === 'NO_CURRENT_RELEASE') {
      io.reporter.warn('first deploy: there is no previous release to roll back to')
      return e
    }
    const why = rollbackError instanceof Error ? rollbackError.message : String(rollbackError)
    return new UnhealthyError(`${e.message}. The automatic rollback failed too: ${why}`, e.hint)
  }
}

/** `up --slot NAME`: deploy to the slot, prove it, swap into production (services/slot-deploy.ts). */
async function runSlotDeploy(
  options: DeployOptions,
  slot: string,
  ports: DeployPorts,
  io: AppIO,
  recovery: SlotRecovery,
): Promise<SlotDeployOutcome> {
  const {slotDeploy} = await import('../services/slot-deploy.js')
  return slotDeploy({...options, slot}, ports, io.reporter, recovery)
}
