/**
 * `azdeploy up --slot NAME`: zero-downtime deploy through a deployment slot, composed from the same phases as
 * `up`: resolve the image ‖ read production and the slot → refuse plans without slots (before any write) → plan the
 * slot (pure) → apply it (one write) → prove the slot's own URL serves the new container → swap into production →
 * prove production answers, swapping back when it does not. A failing image never reaches production.
 */

import {desiredState} from '../core/desired.js'
import type {ActualState} from '../core/model.js'
import {planDeploy} from '../core/plan.js'
import {type SiteRef, siteRef} from '../core/site-ref.js'
import {checkSlotTarget, slotSettings} from '../core/slots.js'
import {describeStep} from '../output/format-plan.js'
import type {Reporter} from '../output/reporter.js'
import type {AppServicePort} from '../ports/index.js'
import {applyPlan} from './apply.js'
import type {DeployOptions, DeployPorts} from './deploy.js'
import {preflightImage, reportFindings} from './deploy-preflight.js'
import {readActualState, readIdentityState} from './read-state.js'
import {resolveImage} from './resolve-image.js'
import type {SlotDeployOutcome, SlotRead, SlotRecovery} from './slot-types.js'
import {verifyProduction, verifySlot} from './slot-verify.js'

export type {SlotDeployOutcome, SlotRecovery} from './slot-types.js'

/** The slot's site, config and settings (null when the slot does not exist yet); its plan is production's. */
async function readSlotState(app: AppServicePort, slot: SiteRef): Promise<ActualState> {
  const [site, siteConfig, appSettings] = await Promise.all([
    app.getSite(slot),
    app.getSiteConfig(slot),
    app.listAppSettings(slot),
  ])
  return {site, siteConfig, appSettings, plan: null}
}

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
