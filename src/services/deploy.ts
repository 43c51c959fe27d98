/**
 * `azdeploy up` as a composition of phases, each callable on its own: resolve the image ‖ read state → plan (pure)
 * → apply (executors in dependency order) → verify (a verdict with evidence). Reads in parallel, writes only the
 * differences, and proves the new container serves before reporting success.
 */
import type {DeployConfig} from '../core/config.js'
import {desiredState} from '../core/desired.js'
import {planDeploy} from '../core/plan.js'
import type {Secret} from '../core/secret.js'
import {type SiteRef, siteRef} from '../core/site-ref.js'
import {describeStep} from '../output/format-plan.js'
import type {Reporter} from '../output/reporter.js'
import type {
  AppServicePort,
  Clock,
  HttpProbe,
  IdentityPort,
  ImageInspector,
  RegistryLookupPort,
  RoleAssignmentPort,
} from '../ports/index.js'
import {applyPlan} from './apply.js'
import {type DoctorLoader, preflightImage} from './deploy-preflight.js'
import {requireServing, verifyServing} from './health.js'
import {readActualState, readIdentityState} from './read-state.js'
import {resolveImage} from './resolve-image.js'

export interface DeployOptions {
  config: DeployConfig
  subscriptionId: string
  /** Production unless a slot is named. */
  site?: SiteRef
  registryPassword?: Secret
  dryRun: boolean
  wait: boolean
  signal: AbortSignal
  /** First health-poll interval; backs off to 1 s. */
  pollIntervalMs: number
  /** Pause after a new role assignment for the registry's authorisation cache. */
  roleSettleMs: number
  /** Deploy even when the image check finds errors. */
  force?: boolean
}

export interface DeployPorts {
  app: AppServicePort
  registries: RegistryLookupPort
  identities: IdentityPort
  rbac: RoleAssignmentPort
  images: ImageInspector
  probe: HttpProbe
  clock: Clock
  acrToken: () => Promise<string>
  /** The Dockerfile analyzer, loaded while the image and Azure are read. */
  doctor: DoctorLoader
}

export interface DeployOutcome {
  app: string
  resourceGroup: string
  url: string | null
  image: string
  digest: string
  release: null
  changed: boolean
  dryRun: boolean
  changes: Array<{action: string; resource: string; reason: string}>
  port: number | null
  health: 'serving' | 'not-checked' | 'unchanged'
  /** What the health wait saw (container log lines, URL answers), when it ran. */
  healthEvidence?: string[]
  timings: Record<string, number>
}

export async function deploy(o: DeployOptions, ports: DeployPorts, out: Reporter): Promise<DeployOutcome> {
  const cfg = o.config
  const target = o.site ?? siteRef(cfg.resourceGroup, cfg.app)
  const doctor = ports.doctor()
  doctor.catch(() => undefined)
  const {image, state} = await out.stage('Resolve image and read Azure state', async (update) => {
    update(`image ${cfg.image ?? ''}`)
    const [image, state] = await Promise.all([
      resolveImage(cfg, o.registryPassword, ports),
      readActualState(cfg, target, ports.app),
    ])
    if (image.registry.mode === 'managed-identity' && image.registryInfo) {
      await readIdentityState(cfg, image.registryInfo, ports, state.actual)
    }
    return {image, state}
  })
  for (const n of image.notices) out.info(`note: ${n}`)
  preflightImage(image, o.force === true, out, await doctor)
  out.info(`image ${image.display} → ${image.inspection.digest}`)

  const desired = desiredState({
    config: cfg,
    subscriptionId: o.subscriptionId,
    site: target,
    plan: {name: state.planName, resourceGroup: state.planResourceGroup},
    image: {
      pinned: image.pinned,
      display: image.display,
      digest: image.inspection.digest,
      registry: image.registry,
      ...(image.port !== undefined ? {port: image.port} : {}),
    },
  })
  const plan = planDeploy(desired, state.actual)
  for (const w of plan.warnings) out.warn(w)
  out.plan(plan)
  const outcome: DeployOutcome = {
    app: cfg.app,
    resourceGroup: cfg.resourceGroup,
    url: state.actual.site?.defaultHostName ? `https://${state.actual.site.defaultHostName}` : null,
    image: image.display,
    digest: image.inspection.digest,
    release: null,
    changed: plan.steps.length > 0,
    dryRun: o.dryRun,
    changes: plan.steps.map(describeStep),
    port: image.port ?? null,
    health: 'unchanged',
    timings: {},
  }
  const finish = () => {
    outcome.timings = Object.fromEntries(out.timings.map((t) => [t.stage, Math.round(t.ms)]))
    return outcome
  }
  if (plan.steps.length === 0 || o.dryRun) return finish()

  const applied = await out.stage('Apply changes', (update) =>
    applyPlan(plan, {
      desired,
      actual: state.actual,
      app: ports.app,
      identities: ports.identities,
      rbac: ports.rbac,
      clock: ports.clock,
      signal: o.signal,
      roleSettleMs: o.roleSettleMs,
      progress: update,
    }),
  )
  if (applied.defaultHostName) outcome.url = `https://${applied.defaultHostName}`
  if (!o.wait || !plan.restarts || !outcome.url || applied.restartedAt === undefined) {
    outcome.health = 'not-checked'
    return finish()
  }
  const url = `${outcome.url}${cfg.healthPath ?? '/'}`
  const restartedAt = applied.restartedAt
  await out.stage('Wait until the new container serves', async (update) => {
    const verdict = await verifyServing(
      {
        url,
        strict: cfg.healthPath !== undefined,
        pinnedImage: image.pinned,
        since: restartedAt,
        timeoutMs: cfg.timeoutSec * 1000,
        intervalMs: o.pollIntervalMs,
        ...(image.port !== undefined ? {port: image.port} : {}),
        signal: o.signal,
        readLog: () => ports.app.getContainerLog(target),
        onProgress: update,
      },
      ports.probe,
      ports.clock,
    )
    outcome.healthEvidence = verdict.evidence
    if (requireServing(verdict).proof === 'http')
      out.warn('the container log was not readable; the URL answered, which may still be the previous container')
  })
  outcome.health = 'serving'
  return finish()
}
