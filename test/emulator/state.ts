// Shared types and in-memory state of the ARM emulator. Maps are keyed by lower-cased resource id.
import {randomUUID} from 'node:crypto'
import type {FailureScenario, LogFormat} from './platform-log.js'
import type {SiteRuntime} from './site-runtime.js'

export type Json = Record<string, unknown>

export interface Subscription {
  subscriptionId: string
  displayName: string
  tenantId: string
  state: string
}

export interface ResourceGroup {
  id: string
  subscriptionId: string
  name: string
  location: string
  tags: Record<string, string>
}

export interface Plan {
  id: string
  subscriptionId: string
  resourceGroup: string
  name: string
  location: string
  kind: string
  sku: {name: string; tier: string; capacity: number; [k: string]: unknown}
  tags: Record<string, string>
  reserved: boolean
}

export interface SiteIdentity {
  type: string
  principalId?: string
  tenantId?: string
  userAssignedIdentities?: Record<string, {principalId: string; clientId: string}>
}

export interface SiteRecord {
  id: string
  subscriptionId: string
  resourceGroup: string
  name: string
  location: string
  kind: string
  tags: Record<string, string>
  identity: SiteIdentity | null
  serverFarmId: string
  reserved: boolean
  httpsOnly: boolean
  enabled: boolean
  /** siteConfig fields (never appSettings). */
  config: Json
  appSettings: Record<string, string>
  runtime: SiteRuntime
  /** Set on deployment slots (kept in state.slots, keyed by `<site id>/slots/<slot>`). */
  slot?: string
  /** Production only: `config/slotConfigNames` (sticky setting names). */
  slotConfigNames?: SlotConfigNames
}

export interface SlotConfigNames {
  appSettingNames: string[]
  connectionStringNames: string[]
  azureStorageConfigNames: string[]
}

/** An asynchronous operation handed out as Azure-AsyncOperation / Location (slot swaps). */
export interface Operation {
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled'
  error?: {code: string; message: string}
  /** Injected (faults.ts `lro`): polls left that read InProgress before `status` shows; Infinity = never ends. */
  pending?: number
}

export interface Registry {
  id: string
  subscriptionId: string
  resourceGroup: string
  name: string
  location: string
  loginServer: string
  roleAssignmentMode: string
  adminUserEnabled: boolean
  sku: string
  tags: Record<string, string>
}

export interface Identity {
  id: string
  name: string
  location: string
  principalId: string
  clientId: string
  tenantId: string
  tags: Record<string, string>
}

export interface RoleAssignment {
  id: string
  name: string
  scope: string
  roleDefinitionId: string
  principalId: string
  principalType: string
}

export interface SiteBehavior {
  /** Delay before a newly (re)started container is ready. Default 30 ms. */
  startDelayMs?: number
  /** New containers fail their warm-up: the old one keeps serving (503 when there is none). */
  neverStarts?: boolean
  /** New containers stay in their warm-up for good: neither ready nor failed (the old one keeps serving). */
  staysStarting?: boolean
  /** Status the container answers with (on healthPath only when healthPath is set, else on every path). */
  status?: number
  healthPath?: string
  /** Platform log family written by this site's starts (default 'docker'; reference §5.1). */
  logFormat?: LogFormat
  /** A start failure the runtime plays, with the wording of reference §5/§5.1 (platform-log.ts). */
  failure?: FailureScenario
  /** Plays `failure` only for images whose reference contains this text (e.g. a digest): other images start. */
  failureImage?: string
  /** Port the simulated app listens on (default: the configured one). Another port → 'wrong-port'. */
  listenPort?: number
  /**
   * The first N starts of this site fail their pull as `pull-unauthorized`, later ones pull fine: a new AcrPull
   * role assignment still propagating to the registry.
   */
  unauthorizedPulls?: number
}

export interface EmulatorState {
  subscriptions: Map<string, Subscription>
  resourceGroups: Map<string, ResourceGroup>
  plans: Map<string, Plan>
  sites: Map<string, SiteRecord>
  /** Deployment slots, keyed by lower-cased `<site id>/slots/<slot>`. */
  slots: Map<string, SiteRecord>
  /** Async operations by id (operationresults); unknown ids read as Succeeded. */
  operations: Map<string, Operation>
  /** Tags of subscriptions (the Tags API at subscription scope). */
  subscriptionTags: Map<string, Record<string, string>>
  /** Lines ARM `POST .../containerlogs` returns: the last N of the platform log (default 100). */
  containerLogTailLines: number
  registries: Map<string, Registry>
  identities: Map<string, Identity>
  roleAssignments: Map<string, RoleAssignment>
  /** Site names taken globally by someone else (lower-case). Seeded with 'taken-app'. */
  takenNames: Set<string>
  /** Principal ids known to the directory (identities, system-assigned site identities). */
  principals: Set<string>
  /** When true, PUT of serverfarms and sites answers 202 + Azure-AsyncOperation (SDK poller path). */
  lro: boolean
  siteBehaviors: Map<string, SiteBehavior>
  defaultSiteBehavior: SiteBehavior
  defaultTenantId: string
  /** Login server given to registries created through ARM PUT (tests point it at a local registry front). */
  newRegistryLoginServer?: (name: string) => string
  addRegistry(r: {
    rg: string
    name: string
    loginServer?: string
    roleAssignmentMode?: string
    subscriptionId?: string
    location?: string
  }): Registry
}

export const DEFAULT_SUBSCRIPTION = '00000000-0000-0000-0000-000000000001'
export const DEFAULT_TENANT = '00000000-0000-0000-0000-0000000000aa'

export const key = (id: string) => id.toLowerCase()
export const rgId = (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`
export const guid = () => randomUUID()

export function createState(subs?: Subscription[]): EmulatorState {
  const state: EmulatorState = {
    subscriptions: new Map(),
    resourceGroups: new Map(),
    plans: new Map(),
    sites: new Map(),
    slots: new Map(),
    operations: new Map(),
    subscriptionTags: new Map(),
    containerLogTailLines: 100,
    registries: new Map(),
    identities: new Map(),
    roleAssignments: new Map(),
    takenNames: new Set(['taken-app']),
    principals: new Set(),
    lro: false,
    siteBehaviors: new Map(),
    defaultSiteBehavior: {},
    defaultTenantId: DEFAULT_TENANT,
    addRegistry(r) {
      const sub = r.subscriptionId ?? [...state.subscriptions.values()][0]?.subscriptionId ?? DEFAULT_SUBSCRIPTION
      const location = r.location ?? 'westeurope'
      const rgKey = key(rgId(sub, r.rg))
      if (!state.resourceGroups.has(rgKey)) {
        state.resourceGroups.set(rgKey, {id: rgId(sub, r.rg), subscriptionId: sub, name: r.rg, location, tags: {}})
      }
      const id = `${rgId(sub, r.rg)}/providers/Microsoft.ContainerRegistry/registries/${r.name}`
      const reg: Registry = {
        id,
        subscriptionId: sub,
        resourceGroup: r.rg,
        name: r.name,
        location,
        loginServer: r.loginServer ?? `${r.name.toLowerCase()}.azurecr.io`,
        roleAssignmentMode: r.roleAssignmentMode ?? 'LegacyRegistryPermissions',
        adminUserEnabled: false,
        sku: 'Basic',
        tags: {},
      }
      state.registries.set(key(id), reg)
      return reg
    },
  }
  const list = subs ?? [
    {
      subscriptionId: DEFAULT_SUBSCRIPTION,
      displayName: 'Test Subscription',
      tenantId: DEFAULT_TENANT,
      state: 'Enabled',
    },
  ]
  for (const s of list) state.subscriptions.set(key(s.subscriptionId), s)
  state.defaultTenantId = list[0]?.tenantId ?? DEFAULT_TENANT
  return state
}
