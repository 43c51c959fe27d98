/** What `deploy` takes and returns: options, release options, the ports it runs over, and the --json outcome. */
import type {DeployConfig} from '../core/config.js'
import type {ReleaseSettings, StoredRelease} from '../core/releases.js'
import type {Secret} from '../core/secret.js'
import type {SiteRef} from '../core/site-ref.js'
import type {
  AppServicePort,
  Clock,
  HttpProbe,
  IdentityPort,
  ImageInspector,
  RegistryLookupPort,
  RoleAssignmentPort,
} from '../ports/index.js'
import type {ReleaseStore} from '../ports/releases.js'
import type {DeployFinding, DoctorLoader} from './deploy-preflight.js'
import type {UnbuiltImage} from './resolve-image.js'

export interface DeployOptions {
  config: DeployConfig
  subscriptionId: string
  /** Production unless a slot is named. */
  site?: SiteRef
  registryPassword?: Secret
  dryRun: boolean
  wait: boolean
  signal: AbortSignal
  /** The command's deadline (epoch ms; `signal` aborts then): the health wait ends by it with its own verdict. */
  deadlineAt?: number
  /** First health-poll interval; backs off to 1 s. */
  pollIntervalMs: number
  /** Health-gate knobs (core/knobs.ts): propagation window of a new AcrPull role, restart backoff, log grace. */
  gate?: {rolePropagationMs: number; pullRetryMs: number; logGraceMs: number}
  /** Deploy even when the image check finds errors. */
  force?: boolean
  /** Doctor's findings from before the deploy (the Dockerfile it built), reported with the image's. */
  findings?: DeployFinding[]
  /** A dry run without --image: the image that would be built and pushed (not resolved: it does not exist). */
  unbuilt?: UnbuiltImage
  release: ReleaseOptions
}

/** How a changing deploy is recorded and locked (services/release-run.ts). */
export interface ReleaseOptions {
  kind: 'deploy' | 'rollback'
  /** Who deploys (also the lock's holder): UPN or display name, or the CI actor and run URL. */
  actor: string
  /** Git SHA of the source, when known. */
  source?: string
  keep: number
  /** `--lock-wait` in ms. */
  lockWaitMs: number
  lockPollMs?: number
  /** A rollback: the id it restores, the settings fingerprint to record, and the release it replaces. */
  restores?: number
  settings?: ReleaseSettings
  replaces?: StoredRelease
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
  /** Release history and deploy lock (tags on the web app). */
  releases: ReleaseStore
}

export interface DeployOutcome {
  app: string
  resourceGroup: string
  url: string | null
  image: string
  digest: string
  /** The release this run recorded, or (nothing changed) the current one; null when there is none. */
  release: number | null
  /** The release that was current before this run recorded one (null on a first deploy or without a change). */
  previousRelease: number | null
  /** Status of the recorded release (absent when nothing was recorded). */
  releaseStatus?: string
  changed: boolean
  dryRun: boolean
  changes: Array<{action: string; resource: string; reason: string}>
  port: number | null
  health: 'serving' | 'unproven' | 'not-checked' | 'unchanged'
  /** What the health wait saw (container log lines, URL answers), when it ran. */
  healthEvidence?: string[]
  /** Doctor's findings on the Dockerfile (when one was built) and on the image config. */
  findings: DeployFinding[]
  timings: Record<string, number>
}
