/**
 * The two proofs of `up --slot`: the slot's own URL serves the new container before production is touched; after
 * the swap production answers, or the swap is undone.
 */
import {AzdeployError, ExitCode, StillRunningError, UnhealthyError} from '../core/errors.js'
import type {Reporter} from '../output/reporter.js'
import {type DeployOptions, type DeployPorts, healthBudgetMs} from './deploy.js'
import {requireServing, type ServingVerdict, verifyServing} from './health.js'
import type {SlotDeployOutcome, SlotRead, SlotRecovery} from './slot-types.js'

/** The slot's own URL must serve the new container before production is touched. */
export async function verifySlot(
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
export async function verifyProduction(
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
