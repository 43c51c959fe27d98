/**
 * The narrow interfaces services need. Adapters implement them over the Azure SDKs and HTTP; service tests
 * implement them with small in-memory fakes.
 */
import type {ActualIdentity, ActualPlan, ActualSite, ActualSiteConfig} from '../core/model.js'
import type {SiteConfigPatch} from '../core/plan.js'
import type {Secret} from '../core/secret.js'

export interface SiteCreate {
  location: string
  planId: string
  siteConfig: Omit<SiteConfigPatch, 'acrUserManagedIdentity'> & {acrUserManagedIdentityID?: string}
  settings: Record<string, string>
  identityId?: string
  tags: Record<string, string>
}

export interface AppServicePort {
  getResourceGroup(name: string): Promise<{exists: boolean; location?: string}>
  createResourceGroup(name: string, location: string, tags: Record<string, string>): Promise<void>
  deleteResourceGroup(name: string): Promise<void>
  getPlan(resourceGroup: string, name: string): Promise<ActualPlan | null>
  putPlan(
    resourceGroup: string,
    name: string,
    p: {location: string; sku: string; tier: string; capacity: number; tags: Record<string, string>},
  ): Promise<ActualPlan>
  deletePlan(resourceGroup: string, name: string): Promise<void>
  listSitesInPlan(resourceGroup: string, name: string): Promise<string[]>
  getSite(resourceGroup: string, name: string): Promise<ActualSite | null>
  getSiteConfig(resourceGroup: string, name: string): Promise<ActualSiteConfig | null>
  listAppSettings(resourceGroup: string, name: string): Promise<Record<string, string> | null>
  checkNameAvailability(name: string): Promise<{available: boolean; message?: string}>
  listLinuxRegions(tier: string): Promise<string[]>
  createSite(resourceGroup: string, name: string, site: SiteCreate): Promise<ActualSite>
  patchSite(
    resourceGroup: string,
    name: string,
    p: {httpsOnly?: boolean; identity?: {type: string; userAssignedIdentityIds: string[]}},
  ): Promise<void>
  patchSiteConfig(
    resourceGroup: string,
    name: string,
    patch: Omit<SiteConfigPatch, 'acrUserManagedIdentity'> & {acrUserManagedIdentityID?: string},
  ): Promise<void>
  putAppSettings(resourceGroup: string, name: string, settings: Record<string, string>): Promise<void>
  deleteSite(resourceGroup: string, name: string): Promise<void>
  /** The current Docker log of the app (App Service's container log), or '' when none is available. */
  getContainerLog(resourceGroup: string, name: string): Promise<string>
}

export interface RegistryInfo {
  id: string
  name: string
  resourceGroup: string
  loginServer: string
  roleAssignmentMode: 'AbacRepositoryPermissions' | 'LegacyRegistryPermissions' | string
  adminUserEnabled: boolean
}

export interface AcrPort {
  /** The ACR in the subscription whose login server is `loginServer`, or null. */
  findRegistry(loginServer: string): Promise<RegistryInfo | null>
  getIdentity(resourceGroup: string, name: string): Promise<ActualIdentity | null>
  createIdentity(
    resourceGroup: string,
    name: string,
    location: string,
    tags: Record<string, string>,
  ): Promise<ActualIdentity>
  deleteIdentity(resourceGroup: string, name: string): Promise<void>
  /** Removes every role assignment held by this principal (the pull identity azdeploy created); returns how many. */
  deleteRoleAssignmentsOf(principalId: string): Promise<number>
  roleAssignmentExists(scope: string, name: string): Promise<boolean>
  /** Idempotent: an existing equivalent assignment counts as success. Retries PrincipalNotFound. */
  assignRole(scope: string, name: string, roleDefinitionId: string, principalId: string): Promise<'created' | 'exists'>
  /** Full role definition id of AcrPull, or of the ABAC-mode repository reader role. */
  pullRoleDefinitionId(scope: string, abac: boolean): Promise<string>
  adminCredentials(registry: RegistryInfo): Promise<{username: string; password: Secret}>
}

export interface HttpProbe {
  /** One GET; resolves with the status, or null when nothing answered (connection refused, TLS, timeout). */
  get(url: string, signal: AbortSignal): Promise<number | null>
}

export interface Clock {
  now(): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export type RegistryCredentials =
  | {kind: 'anonymous'}
  | {kind: 'basic'; username: string; password: Secret}
  | {kind: 'aad'; getToken: () => Promise<string>; tenantId?: string}

export interface ImageInspection {
  /** The reference as given, in canonical form. */
  reference: string
  /** Digest of what the reference points to (index or manifest). */
  digest: string
  mediaType: string
  /** e.g. ['linux/amd64', 'linux/arm64']; attestation entries (unknown/unknown) are left out. */
  platforms: string[]
  /** Manifest digest of the linux/amd64 variant; undefined when there is none (the caller decides). */
  amd64Digest?: string
  /** TCP ports from the amd64 config's ExposedPorts, sorted; [] without an amd64 variant. */
  exposedPorts: number[]
  /** Config + layers of the amd64 manifest (compressed sizes); 0 without an amd64 variant. */
  sizeBytes: number
  /** From the amd64 config; {} without an amd64 variant. */
  config: {user?: string; env?: string[]; cmd?: string[]; entrypoint?: string[]; workingDir?: string}
}

export interface ImageRefLike {
  registry: string
  repository: string
  tag?: string
  digest?: string
}

export interface ImageInspector {
  inspect(ref: ImageRefLike, creds: RegistryCredentials): Promise<ImageInspection>
  /** True when the registry answers with ACR's token challenge (so it may be an ACR behind another host name). */
  isAcrStyle(registry: string): Promise<boolean>
}

/** One current Docker log file, as the SCM (Kudu) site lists it at `/api/logs/docker`. */
export interface KuduLogFile {
  /** File name, e.g. `2026_11_28_lw0sdlwk0000A1_default_docker.log`. */
  name: string
  machineName: string
  lastUpdated: string
  size: number
  /** Absolute https URL of the file on the SCM host. */
  href: string
}

/** The SCM (Kudu) API of one app, authenticated with an Entra ID bearer token (never publishing credentials). */
export interface KuduPort {
  readonly host: string
  listDockerLogs(): Promise<KuduLogFile[]>
  /**
   * The bytes of a listed file from `offset` on (a Range request). `from` is where `data` starts in the file (0 when
   * the server ignored the range); `size` is the file's length when the server said; null when the file is gone.
   */
  readFile(href: string, offset: number): Promise<{from: number; data: Uint8Array; size?: number} | null>
}

/** `httpLogs.fileSystem` of the site's diagnostic logs config: the switch for Linux container logs. */
export interface ContainerLogging {
  enabled: boolean
  retentionInMb?: number
  retentionInDays?: number
}

export interface SiteLogsConfigPort {
  getContainerLogging(resourceGroup: string, name: string): Promise<ContainerLogging | null>
  /** Read-modify-write of `config/logs` (a full PUT): turns `httpLogs.fileSystem` on, other settings unchanged. */
  enableContainerLogging(
    resourceGroup: string,
    name: string,
    retention: {retentionInMb: number; retentionInDays: number},
  ): Promise<void>
}
