/**
 * `azdeploy up --slot NAME`: zero-downtime deploy through a deployment slot, composed from the same phases as
 * `up`: resolve the image ‖ read production and the slot → refuse plans without slots (before any write) → plan the
 * slot (pure) → apply it (one write) → prove the slot's own URL serves the new container → swap into production →
 * prove production answers, swapping back when it does not. A failing image never reaches production.
 */

import {desiredState} from '../core/desired.js'
import {AzdeployError, ExitCode, StillRunningError, UnhealthyError} from '../core/errors.js'
import type {ActualState} from '../core/model.js'
import {planDeploy} from '../core/plan.js'
import {type SiteRef, siteRef} from '../core/site-ref.js'
import {checkSlotTarget, slotSettings} from '../core/slots.js'
import {describeStep} from '../output/format-plan.js'
import type {Reporter} from '../output/reporter.js'
import type {AppServicePort} from '../ports/index.js'
import {applyPlan} from './apply.js'
import {type DeployOptions, type DeployOutcome, type DeployPorts, healthBudgetMs} from './deploy.js'
import {type DeployFinding, preflightImage, reportFindings} from './deploy-preflight.js'
import {requireServing, type ServingVerdict, verifyServing} from './health.js'
import {readActualState, readIdentityState} from './read-state.js'
import {type ResolvedImage, resolveImage} from './resolve-image.js'

export interface SlotDeployOutcome extends DeployOutcome {
  slot: {name: string; url: string | null; swapped: boolean; swappedBack: boolean}
}

/** The slot's site, config and settings (null when the slot does not exist yet); its plan is production's. */
async function readSlotState(app: AppServicePort, slot: SiteRef): Promise<ActualState> {
  const [site, siteConfig, appSettings] = await Promise.all([
    app.getSite(slot),
    app.getSiteConfig(slot),
    app.listAppSettings(slot),
  ])
  return {site, siteConfig, appSettings, plan: null}
}

/**
 * The swap back after production failed to answer must run even when the command's deadline cut the wait:
 * `recovery` gives an App Service port on a fresh, bounded signal (Ctrl-C still ends it).
 */
export type SlotRecovery = () => Pick<AppServicePort, 'swapSlot'>

export async function slotDeploy(
  o: DeployOptions & {slot: string},
  ports: DeployPorts,
  out: Reporter,
  recovery?: SlotRecovery,
): Promise<SlotDeployOutcome> {
  const cfg = o.config
  const prod = siteRef(cfg.resourceGroup, cfg.app)
  const slot = siteRef(cfg.resourceGroup, cfg.app, o.slot)
  const doctor = ports.doctor()
  doctor.catch(() => undefined)
  const read = await out.stage('Resolve image and read Azure state', async (update) => {
    update(`image ${cfg.image ?? ''}; production and slot ${o.slot}`)
    const [image, production, slotState] = await Promise.all([
      resolveImage(cfg, o.registryPassword, ports),
      readActualState(cfg, prod, ports.app),
      readSlotState(ports.app, slot),
    ])
    checkSlotTarget(o.slot, cfg.app, production.actual)
    slotState.plan = production.actual.plan
    if (image.registry.mode === 'managed-identity' && image.registryInfo) {
      await readIdentityState(cfg, image.registryInfo, ports, slotState)
      production.actual.identity = slotState.identity ?? null
      if (slotState.roleAssignment) production.actual.roleAssignment = slotState.roleAssignment
    }
    return {image, production, slotState}
  })
  const {image, production, slotState} = read
  for (const n of image.notices) out.info(`note: ${n}`)
  for (const w of image.warnings) out.warn(w)
  const found = preflightImage(image, {force: o.force === true, dryRun: o.dryRun}, out, await doctor)
  const findings = [...(o.findings ?? []), ...found]
  out.info(`image ${image.display} → ${image.inspection.digest}`)
  return deployThroughSlot(o, ports, out, {image, production, slotState, prod, slot, findings}, recovery)
}

interface SlotRead {
  image: ResolvedImage
  production: Awaited<ReturnType<typeof readActualState>>
  slotState: ActualState
  prod: SiteRef
  slot: SiteRef
  findings: DeployFinding[]
}

/** Desired state for production or the slot: the same image and the slot's settings (production's carried). */
function slotDesired(o: DeployOptions & {slot: string}, r: SlotRead) {
  const cfg = o.config
  const settings = slotSettings(r.production.actual.appSettings ?? {}, cfg.settings, cfg.healthPath)
  return (site: SiteRef) =>
    desiredState({
      config: {...cfg, settings},
      subscriptionId: o.subscriptionId,
      site,
      plan: {name: r.production.planName, resourceGroup: r.production.planResourceGroup},
      image: {
        pinned: r.image.pinned,
        display: r.image.display,
        digest: r.image.inspection.digest,
        registry: r.image.registry,
        ...(r.image.port !== undefined ? {port: r.image.port} : {}),
      },
    })
}

async function deployThroughSlot(
  o: DeployOptions & {slot: string},
  ports: DeployPorts,
  out: Reporter,
  r: SlotRead,
  recovery?: SlotRecovery,
): Promise<SlotDeployOutcome> {
  const desiredFor = slotDesired(o, r)
  // Production already runs this image with these settings: nothing to deploy, nothing to swap.
  const productionPlan = planDeploy(desiredFor(r.prod), r.production.actual)
  const desired = desiredFor(r.slot)
  const plan = productionPlan.steps.length === 0 ? {...productionPlan} : planDeploy(desired, r.slotState)
  for (const w of plan.warnings) out.warn(w)
  out.plan(plan)
  if (o.dryRun) reportFindings(r.findings, o.force === true, out, await ports.doctor())
  const outcome = initialOutcome(o, r, plan, productionPlan.steps.length > 0)
  const finish = () => {
    outcome.timings = Object.fromEntries(out.timings.map((t) => [t.stage, Math.round(t.ms)]))
    return outcome
  }
  if (!outcome.changed || o.dryRun) return finish()

  const applied = await out.stage(`Apply changes to slot ${o.slot}`, (update) =>
    applyPlan(plan, {
      desired,
      actual: r.slotState,
      app: ports.app,
      identities: ports.identities,
      rbac: ports.rbac,
      clock: ports.clock,
      signal: o.signal,
      progress: update,
    }),
  )
  if (applied.defaultHostName) outcome.slot.url = `https://${applied.defaultHostName}`
  if (o.wait && applied.restartedAt !== undefined && outcome.slot.url) {
    await verifySlot(o, ports, out, r, outcome.slot.url, applied.restartedAt)
  }
  await out.stage(
    `Swap slot ${o.slot} into production`,
    async (update) => {
      update('App Service warms the slot up, then switches routing')
      await ports.app.swapSlot(r.prod, o.slot)
    },
    {wait: {done: 'swapped'}},
  )
  outcome.slot.swapped = true
  if (!o.wait || !outcome.url) {
    outcome.health = 'not-checked'
    return finish()
  }
  await verifyProduction(o, ports, out, r, outcome, recovery)
  outcome.health = 'serving'
  return finish()
}

/** The --json document before anything is written: the slot's changes plus the swap. */
function initialOutcome(
  o: DeployOptions & {slot: string},
  r: SlotRead,
  plan: ReturnType<typeof planDeploy>,
  changed: boolean,
): SlotDeployOutcome {
  const cfg = o.config
  const prodHost = r.production.actual.site?.defaultHostName
  const outcome: SlotDeployOutcome = {
    app: cfg.app,
    resourceGroup: cfg.resourceGroup,
    url: prodHost ? `https://${prodHost}` : null,
    image: r.image.display,
    digest: r.image.inspection.digest,
    release: null,
    previousRelease: null,
    changed,
    dryRun: o.dryRun,
    changes: plan.steps.map(describeStep),
    port: r.image.port ?? null,
    health: 'unchanged',
    findings: r.findings,
    timings: {},
    slot: {
      name: o.slot,
      url: r.slotState.site?.defaultHostName ? `https://${r.slotState.site.defaultHostName}` : null,
      swapped: false,
      swappedBack: false,
    },
  }
  if (changed) {
    outcome.changes.push({
      action: 'swap',
      resource: `slot ${o.slot} → production`,
      reason: 'once the slot serves the new container',
    })
  }
  return outcome
}

/** The slot's own URL must serve the new container before production is touched. */
async function verifySlot(
  o: DeployOptions & {slot: string},
  ports: DeployPorts,
  out: Reporter,
  r: SlotRead,
  slotUrl: string,
  since: number,
): Promise<void> {
  const cfg = o.config
  await out.stage(
    `Wait until slot ${o.slot} serves the new container`,
    async (update) => {
      const verdict = await verifyServing(
        {
          url: `${slotUrl}${cfg.healthPath ?? '/'}`,
          strict: cfg.healthPath !== undefined,
          pinnedImage: r.image.pinned,
          since,
          timeoutMs: healthBudgetMs(o, ports.clock),
          intervalMs: o.pollIntervalMs,
          ...(r.image.port !== undefined ? {port: r.image.port} : {}),
          signal: o.signal,
          readLog: () => ports.app.getContainerLog(r.slot),
          onProgress: update,
          restartSite: () => ports.app.restartSite(r.slot),
          ...(o.gate
            ? {propagationMs: o.gate.rolePropagationMs, pullRetryMs: o.gate.pullRetryMs, logGraceMs: o.gate.logGraceMs}
            : {}),
        },
        ports.probe,
        ports.clock,
      )
      try {
        const proof = requireServing(verdict, o.signal)
        if (proof.proof === 'unproven')
          out.warn(
            `unproven: ${proof.reason}; the URL of slot ${o.slot} answered, which may still be its previous container`,
          )
      } catch (e) {
        if (e instanceof AzdeployError && e.exitCode !== ExitCode.Interrupted) {
          throw new UnhealthyError(
            `Slot '${o.slot}': ${e.message}. Production was not swapped: it still serves its previous image`,
            e.hint,
          )
        }
        throw e
      }
    },
    {wait: {limitMs: cfg.timeoutSec * 1000, done: 'answered'}},
  )
}

/**
 * After the swap production must answer (the container itself was proven in the slot; production's log shows no
 * new start after a swap). When it does not, swap back so the previous version serves again.
 */
async function verifyProduction(
  o: DeployOptions & {slot: string},
  ports: DeployPorts,
  out: Reporter,
  r: SlotRead,
  outcome: SlotDeployOutcome,
  recovery?: SlotRecovery,
): Promise<void> {
  const cfg = o.config
  const url = `${outcome.url}${cfg.healthPath ?? '/'}`
  const verdict: ServingVerdict = await out.stage(
    'Verify production after the swap',
    (update) =>
      verifyServing(
        {
          url,
          strict: cfg.healthPath !== undefined,
          pinnedImage: r.image.pinned,
          since: ports.clock.now(),
          timeoutMs: healthBudgetMs(o, ports.clock),
          intervalMs: o.pollIntervalMs,
          signal: o.signal,
          // The container was proven in the slot; after a swap production's log shows no new start: HTTP decides.
          readLog: async () => '',
          logGraceMs: 0,
          onProgress: update,
        },
        ports.probe,
        ports.clock,
      ),
    {wait: {limitMs: cfg.timeoutSec * 1000, done: 'production answered'}},
  )
  // The deadline (not Ctrl-C) cut the wait: production did not answer in time, which calls for the swap back too.
  const cut = verdict.state === 'interrupted' && o.signal.reason instanceof StillRunningError
  if (verdict.state === 'serving' || verdict.state === 'unproven' || (verdict.state === 'interrupted' && !cut)) {
    requireServing(verdict, o.signal)
    return
  }
  const why =
    verdict.state === 'failed'
      ? verdict.line
      : verdict.state === 'timed-out'
        ? verdict.message
        : `no answer by the deadline: ${o.signal.reason.message}`
  out.warn(`production did not answer after the swap (${why}); swapping slot ${o.slot} back`)
  const swapper = cut && recovery ? recovery() : ports.app
  try {
    await out.stage(`Swap back: slot ${o.slot} ↔ production`, () => swapper.swapSlot(r.prod, o.slot), {
      wait: {done: 'swapped back'},
    })
  } catch (e) {
    throw new UnhealthyError(
      `Production did not answer after the swap (${why}), and swapping back failed: ${(e as Error).message}`,
      `Swap by hand: az webapp deployment slot swap -g ${cfg.resourceGroup} -n ${cfg.app} --slot ${o.slot}`,
    )
  }
  outcome.slot.swappedBack = true
  throw new UnhealthyError(
    `Production did not answer after the swap (${why}); swapped back: production serves its previous version again, and slot '${o.slot}' holds ${r.image.display}`,
    `Check ${url} on the slot (${outcome.slot.url ?? 'its URL'}) and the app's logs, then run \`azdeploy up --slot ${o.slot}\` again`,
  )
}
