/**
 * `azdeploy up` as a runbook: Resolve (image ‖ Azure state) → Plan → Apply → Health. Reads in parallel, writes
 * only the differences, and proves the new container serves before reporting success.
 */
import type {DeployConfig} from '../core/config.js'
import type {DesiredState} from '../core/model.js'
import {planDeploy} from '../core/plan.js'
import type {Secret} from '../core/secret.js'
import {describeStep} from '../output/format-plan.js'
import type {Reporter} from '../output/reporter.js'
import type {AcrPort, AppServicePort, Clock, HttpProbe, ImageInspector} from '../ports/index.js'
import {applyPlan} from './apply.js'
import {stopOnDoctorErrors} from './doctor-gate.js'
import {waitHealthy} from './health.js'
import {readActualState, readIdentityState} from './read-state.js'
import {type ResolvedImage, resolveImage} from './resolve-image.js'

/** The analyzer (and its Dockerfile parser) loads while the image and Azure are being read, off the critical path. */
const loadDoctor = () =>
  Promise.all([import('../doctor/index.js'), import('./diagnose.js')]).then(([d, g]) => ({
    analyzeImageOnly: d.analyzeImageOnly,
    imageInfoFrom: g.imageInfoFrom,
  }))

/** `doctor`'s error-level checks on the image's own config (start command, port, platform), before any write. */
function preflight(
  image: ResolvedImage,
  force: boolean,
  out: Reporter,
  {analyzeImageOnly, imageInfoFrom}: Awaited<ReturnType<typeof loadDoctor>>,
): void {
  const errors = analyzeImageOnly(
    imageInfoFrom(image.inspection),
    image.port !== undefined ? {configuredPort: image.port} : {},
  ).filter((f) => f.severity === 'error')
  stopOnDoctorErrors(
    'The image',
    errors.map((f) => `${f.rule}: ${f.message} (fix: ${f.fix})`),
    force,
    out,
  )
}

export interface DeployOptions {
  config: DeployConfig
  subscriptionId: string
  registryPassword?: Secret
  dryRun: boolean
  wait: boolean
  signal: AbortSignal
  env: Record<string, string | undefined>
  /** First health-poll interval; backs off to 1 s. */
  pollIntervalMs: number
  /** Deploy even when the image check finds errors. */
  force?: boolean
}

export interface DeployPorts {
  app: AppServicePort
  acr: AcrPort
  images: ImageInspector
  probe: HttpProbe
  clock: Clock
  acrToken: () => Promise<string>
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
  timings: Record<string, number>
}

export async function deploy(o: DeployOptions, ports: DeployPorts, out: Reporter): Promise<DeployOutcome> {
  const cfg = o.config
  const doctor = loadDoctor()
  doctor.catch(() => undefined)
  const {image, state} = await out.stage('Resolve image and read Azure state', async (update) => {
    update(`image ${cfg.image ?? ''}`)
    const [image, state] = await Promise.all([
      resolveImage(cfg, o.registryPassword, ports),
      readActualState(cfg, ports.app),
    ])
    if (image.registry.mode === 'managed-identity' && image.registryInfo) {
      await readIdentityState(cfg, image.registryInfo, ports.acr, state.actual)
    }
    return {image, state}
  })
  for (const n of image.notices) out.info(`note: ${n}`)
  preflight(image, o.force === true, out, await doctor)
  out.info(`image ${image.display} → ${image.inspection.digest}`)

  const desired: DesiredState = {
    subscriptionId: o.subscriptionId,
    resourceGroup: cfg.resourceGroup,
    plan: {
      name: state.planName,
      resourceGroup: state.planResourceGroup,
      sku: cfg.sku.name,
      tier: cfg.sku.tier,
      capacity: cfg.instances,
      explicit: cfg.planExplicit,
      explicitSku: cfg.skuExplicit,
      explicitCapacity: cfg.instancesExplicit,
    },
    app: {
      name: cfg.app,
      pinnedImage: image.pinned,
      displayImage: image.display,
      digest: image.inspection.digest,
      settings: cfg.settings,
      alwaysOn: cfg.sku.alwaysOn,
    },
    registry: image.registry,
  }
  if (cfg.location) desired.location = cfg.location
  if (image.port !== undefined) desired.app.port = image.port
  if (cfg.healthPath) desired.app.healthPath = cfg.healthPath

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
      acr: ports.acr,
      clock: ports.clock,
      signal: o.signal,
      env: o.env,
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
    const r = await waitHealthy(
      {
        url,
        strict: cfg.healthPath !== undefined,
        pinnedImage: image.pinned,
        since: restartedAt,
        timeoutMs: cfg.timeoutSec * 1000,
        intervalMs: o.pollIntervalMs,
        ...(image.port !== undefined ? {port: image.port} : {}),
        signal: o.signal,
        readLog: () => ports.app.getContainerLog(cfg.resourceGroup, cfg.app),
        onProgress: update,
      },
      ports.probe,
      ports.clock,
    )
    if (r.proof === 'http')
      out.warn('the container log was not readable; the URL answered, which may still be the previous container')
  })
  outcome.health = 'serving'
  return finish()
}
