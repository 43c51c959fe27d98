/**
 * Desired and actual state of one deployment, as plain data. The planner compares them; adapters fill ActualState
 * from ARM reads; the deploy service builds DesiredState from validated input and the inspected image.
 */
import type {Secret} from './secret.js'
import type {SiteRef} from './site-ref.js'

export const MANAGED_TAG = 'managed-by'
export const MANAGED_TAG_VALUE = 'azdeploy'

export type RegistryAccess =
  | {mode: 'anonymous'}
  /** An ACR in the subscription, pulled with a user-assigned identity holding AcrPull at the registry scope. */
  | {mode: 'managed-identity'; registryId: string; loginServer: string; identityName: string; roleModeAbac: boolean}
  /** Another private registry: DOCKER_REGISTRY_SERVER_* settings. */
  | {mode: 'credentials'; serverUrl: string; username: string; password: Secret}

export interface DesiredState {
  subscriptionId: string
  /** The group new resources (plan, identity, site) go to. */
  resourceGroup: string
  /** The site (or slot) the image is deployed to. */
  site: SiteRef
  /** Needed only when something must be created. */
  location?: string
  plan: {
    name: string
    resourceGroup: string
    sku: string
    tier: string
    capacity: number
    /** Named by the user (flag, env or file) rather than defaulted: only then may it differ from the app's plan. */
    explicit: boolean
    /** SKU and instance count are changed on an existing plan only when the user asked for them. */
    explicitSku: boolean
    explicitCapacity: boolean
  }
  app: {
    name: string
    /** registry/repository@sha256:… — what linuxFxVersion will name. */
    pinnedImage: string
    /** registry/repository:tag — shown beside the digest. */
    displayImage: string
    digest: string
    port?: number
    /** User settings from --env; values are secrets. */
    settings: Record<string, Secret>
    healthPath?: string
    alwaysOn: boolean
  }
  registry: RegistryAccess
}

export interface ActualPlan {
  id: string
  name: string
  location: string
  sku: string
  tier?: string
  capacity: number
  linux: boolean
  /** Its ARM tags (`managed-by: azdeploy` when `up` created it). */
  tags?: Record<string, string>
}

export interface ActualSite {
  id: string
  name: string
  location: string
  kind: string
  serverFarmId: string
  httpsOnly: boolean
  defaultHostName?: string
  /** SCM (Kudu) host: `hostNameSslStates[hostType=Repository].name`, else an enabled host name with `.scm.`. */
  scmHostName?: string
  state?: string
  identityType?: string
  userAssignedIdentityIds: string[]
  tags: Record<string, string>
}

export interface ActualSiteConfig {
  linuxFxVersion?: string
  acrUseManagedIdentityCreds?: boolean
  acrUserManagedIdentityID?: string
  alwaysOn?: boolean
  http20Enabled?: boolean
  minTlsVersion?: string
  ftpsState?: string
  healthCheckPath?: string
}

export interface ActualIdentity {
  id: string
  principalId: string
  clientId: string
  /** Its ARM tags (`managed-by: azdeploy` when `up` created it). */
  tags?: Record<string, string>
}

export interface ActualState {
  /** undefined = not read (the site existing proves the group exists). */
  resourceGroup?: {exists: boolean; location?: string}
  plan: ActualPlan | null
  site: ActualSite | null
  siteConfig: ActualSiteConfig | null
  appSettings: Record<string, string> | null
  /** For managed-identity pulls only. */
  identity?: ActualIdentity | null
  roleAssignment?: {exists: boolean; name: string}
}
