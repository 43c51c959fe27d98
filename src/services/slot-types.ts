/** The types `up --slot` passes between its phases (services/slot-deploy.ts, slot-verify.ts). */
import type {ActualState} from '../core/model.js'
import type {SiteRef} from '../core/site-ref.js'
import type {AppServicePort} from '../ports/index.js'
import type {DeployOutcome} from './deploy.js'
import type {DeployFinding} from './deploy-preflight.js'
import type {readActualState} from './read-state.js'
import type {ResolvedImage} from './resolve-image.js'

export interface SlotDeployOutcome extends DeployOutcome {
  slot: {name: string; url: string | null; swapped: boolean; swappedBack: boolean}
}

/**
 * The swap back after production failed to answer must run even when the command's deadline cut the wait:
 * `recovery` gives an App Service port on a fresh, bounded signal (Ctrl-C still ends it).
 */
export type SlotRecovery = () => Pick<AppServicePort, 'swapSlot'>

export interface SlotRead {
  image: ResolvedImage
  production: Awaited<ReturnType<typeof readActualState>>
  slotState: ActualState
  prod: SiteRef
  slot: SiteRef
  findings: DeployFinding[]
}
