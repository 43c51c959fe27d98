/**
 * `azdeploy up` as a composition of phases, each callable on its own: resolve the image ‖ read state → plan (pure)
 * → apply (executors in dependency order) → verify (a verdict with evidence). Reads in parallel, writes only the
 * differences, and proves the new container serves before reporting success.
 */
import {desiredState} from '../core/desired.js'
import type {DesiredState} from '../core/model.js'
import {type Plan, planDeploy} from '../core/plan.js'
import {decodeTags} from '../core/release-tags.js'
import {type ReleaseSettings, settingsFingerprint} from '../core/releases.js'
import {type SiteRef, siteRef} from '../core/site-ref.js'
import {describeStep} from '../output/format-plan.js'
import type {Reporter} from '../output/reporter.js'
import type {Clock} from '../ports/index.js'
import {applyPlan} from './apply.js'
import {type DeployFinding, preflightImage, reportFindings} from './deploy-preflight.js'
import type {DeployOptions, DeployOutcome, DeployPorts} from './deploy-types.js'
import {requireServing, verifyServing} from './health.js'
import {readActualState, readIdentityState} from './read-state.js'
import {releaseListOf} from './release-log.js'
import {type ReleaseHandle, runRelease} from './release-run.js'
import {type ResolvedImage, resolveImage, unbuiltImage} from './resolve-image.js'

export type {DeployOptions, DeployOutcome, DeployPorts, ReleaseOptions} from './deploy-types.js'

interface Planned {
  image: ResolvedImage
  state: Awaited<ReturnType<typeof readActualState>>
  desired: DesiredState
  plan: Plan
  findings: DeployFinding[]
}

/** Resolve the image ‖ read Azure → desired state → plan (pure). */
async function readAndPlan(o: DeployOptions, ports: DeployPorts, out: Reporter, target: SiteRef): Promise<Planned> {
  const cfg = o.config
  const doctor = ports.doctor()
  doctor.catch(() => undefined)
  const {image, state} = await out.stage('Resolve image and read Azure state', async (update) => {
    update(`image ${cfg.image ?? ''}`)
    const [image, state] = await Promise.all([
      o.unbuilt
        ? unbuiltImage(cfg, o.unbuilt, o.subscriptionId, ports.registries)
        : resolveImage(cfg, o.registryPassword, ports),
      readActualState(cfg, target, ports.app),
    ])
    if (image.registry.mode === 'managed-identity' && image.registryInfo) {
      await readIdentityState(cfg, image.registryInfo, ports, state.actual)
    }
    return {image, state}
  })
  for (const n of image.notices) out.info(`note: ${n}`)
  for (const w of image.warnings) out.warn(w)
  const found = o.unbuilt ? [] : preflightImage(image, {force: o.force === true, dryRun: o.dryRun}, out, await doctor)
  const findings = [...(o.findings ?? []), ...found]
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
  return {image, state, desired, plan: planDeploy(desired, state.actual), findings}
}

function outcomeOf(o: DeployOptions, p: Planned): DeployOutcome {
  const site = p.state.actual.site
  const current = site ? releaseListOf(decodeTags(site.tags ?? {}), Date.now()).current : undefined
  return {
    app: o.config.app,
    resourceGroup: o.config.resourceGroup,
    url: site?.defaultHostName ? `https://${site.defaultHostName}` : null,
    image: p.image.display,
    digest: p.image.inspection.digest,
    release: current?.id ?? null,
    previousRelease: null,
    changed: p.plan.steps.length > 0,
    dryRun: o.dryRun,
    changes: p.plan.steps.map(describeStep),
    port: p.image.port ?? null,
    health: 'unchanged',
    findings: p.findings,
    timings: {},
  }
}

export async function deploy(o: DeployOptions, ports: DeployPorts, out: Reporter): Promise<DeployOutcome> {
  const target = o.site ?? siteRef(o.config.resourceGroup, o.config.app)
  const finish = (outcome: DeployOutcome) => {
    outcome.timings = Object.fromEntries(out.timings.map((t) => [t.stage, Math.round(t.ms)]))
    return outcome
  }
  let planned = await readAndPlan(o, ports, out, target)
  for (const w of planned.plan.warnings) out.warn(w)
  out.plan(planned.plan)
  if (o.dryRun) reportFindings(planned.findings, o.force === true, out, await ports.doctor())
  const first = outcomeOf(o, planned)
  // Nothing to change (or a dry run): no lock, no record, no write.
  if (planned.plan.steps.length === 0 || o.dryRun) return finish(first)
  const r = o.release
  const run = await runRelease(
    {
      store: ports.releases,
      clock: ports.clock,
      site: target,
      siteExists: planned.state.actual.site !== null && planned.state.actual.site !== undefined,
      keep: r.keep,
      holder: r.actor,
      lockWaitMs: r.lockWaitMs,
      timeoutMs: o.config.timeoutSec * 1000,
      signal: o.signal,
      out,
      ...(r.lockPollMs !== undefined ? {lockPollMs: r.lockPollMs, lockPollMaxMs: r.lockPollMs * 4} : {}),
      ...(r.replaces ? {replaces: r.replaces} : {}),
    },
    async (h) => {
      if (h.waited) {
        // Someone else deployed meanwhile: plan again from what Azure holds now.
        planned = await readAndPlan(o, ports, out, target)
        out.plan(planned.plan)
        if (planned.plan.steps.length === 0) return outcomeOf(o, planned)
      }
      return change(o, ports, out, target, planned, h)
    },
  )
  const outcome = run.value
  if (run.release) {
    // The release that was current before this run: what `azdeploy rollback --to` restores.
    outcome.previousRelease = outcome.release !== run.release.id ? outcome.release : null
    outcome.release = run.release.id
    outcome.releaseStatus = run.release.status
  }
  return finish(outcome)
}

function releaseSettings(o: DeployOptions): ReleaseSettings {
  if (o.release.settings) return o.release.settings
  return settingsFingerprint(Object.fromEntries(Object.entries(o.config.settings).map(([k, v]) => [k, v.reveal()])))
}

/** Record `running` → apply → wait until the new container serves. */
async function change(
  o: DeployOptions,
  ports: DeployPorts,
  out: Reporter,
  target: SiteRef,
  p: Planned,
  h: ReleaseHandle,
): Promise<DeployOutcome> {
  const cfg = o.config
  const {image, state, desired, plan} = p
  const outcome = outcomeOf(o, p)
  if (plan.restarts) {
    const rel = await h.start({
      image: image.display,
      digest: image.inspection.digest,
      port: image.port ?? 0,
      settings: releaseSettings(o),
      actor: o.release.actor,
      ...(o.release.source ? {source: o.release.source} : {}),
      kind: o.release.kind,
      ...(o.release.restores !== undefined ? {restores: o.release.restores} : {}),
    })
    out.info(`release ${rel.id}: ${o.release.kind} by ${rel.actor}`)
  }
  const creating = state.actual.site === null || state.actual.site === undefined
  const applied = await out.stage('Apply changes', (update) =>
    applyPlan(plan, {
      desired,
      actual: state.actual,
      app: ports.app,
      identities: ports.identities,
      rbac: ports.rbac,
      clock: ports.clock,
      signal: o.signal,
      progress: update,
      ...(creating && h.started() ? {siteTags: h.createTags()} : {}),
    }),
  )
  if (applied.defaultHostName) outcome.url = `https://${applied.defaultHostName}`
  if (!o.wait || !plan.restarts || !outcome.url || applied.restartedAt === undefined) {
    outcome.health = 'not-checked'
    return outcome
  }
  const url = `${outcome.url}${cfg.healthPath ?? '/'}`
  const restartedAt = applied.restartedAt
  const proof = await out.stage(
    'Wait until the new container serves',
    async (update) => {
      const verdict = await verifyServing(
        {
          url,
          strict: cfg.healthPath !== undefined,
          pinnedImage: image.pinned,
          since: restartedAt,
          timeoutMs: healthBudgetMs(o, ports.clock),
          intervalMs: o.pollIntervalMs,
          ...(image.port !== undefined ? {port: image.port} : {}),
          signal: o.signal,
          readLog: () => ports.app.getContainerLog(target),
          onProgress: update,
          ...(applied.roleAssignedAt !== undefined ? {roleAssignedAt: applied.roleAssignedAt} : {}),
          restartSite: () => ports.app.restartSite(target),
          ...(o.gate
            ? {propagationMs: o.gate.rolePropagationMs, pullRetryMs: o.gate.pullRetryMs, logGraceMs: o.gate.logGraceMs}
            : {}),
        },
        ports.probe,
        ports.clock,
      )
      outcome.healthEvidence = verdict.evidence
      return requireServing(verdict, o.signal)
    },
    {wait: {limitMs: cfg.timeoutSec * 1000, done: 'answered'}},
  )
  if (proof.proof === 'unproven')
    out.warn(`unproven: ${proof.reason}; the URL answered, which may still be the previous container`)
  outcome.health = proof.proof === 'unproven' ? 'unproven' : 'serving'
  return outcome
}

/** The health wait gets --timeout, but never past the command's deadline. */
export function healthBudgetMs(o: Pick<DeployOptions, 'config' | 'deadlineAt'>, clock: Clock): number {
  const own = o.config.timeoutSec * 1000
  return o.deadlineAt === undefined ? own : Math.max(0, Math.min(own, o.deadlineAt - clock.now()))
}
