/**
 * ARM look-up of an Azure Container Registry by its resource name (for `push --registry NAME`): lists the
 * subscription's registries (`@azure/arm-containerregistry` `registries.list()`, loaded lazily) and returns the
 * one whose name matches case-insensitively. Separate from acr.ts's `findRegistry`, which matches login servers.
 */
import type {TokenCredential} from '@azure/core-auth'
import {shown} from '../../core/display.js'
import {InputError} from '../../core/errors.js'
import {readKnobs} from '../../core/knobs.js'
import {type ArmTarget, armClientOptions, type Debug} from './arm-pipeline.js'

export interface AcrByName {
  name: string
  loginServer: string
  id: string
}

export async function findRegistryByName(
  o: {
    credential: TokenCredential
    subscriptionId: string
    target: ArmTarget
    debug: Debug
    env: Record<string, string | undefined>
  },
  name: string,
  signal?: AbortSignal,
): Promise<AcrByName> {
  const {ContainerRegistryManagementClient} = await import('@azure/arm-containerregistry')
  const client = new ContainerRegistryManagementClient(
    o.credential,
    o.subscriptionId,
    armClientOptions(o.target, o.debug, o.env, signal),
  )
  const want = name.toLowerCase()
  for await (const r of client.registries.list(signal ? {abortSignal: signal} : {})) {
    if ((r.name ?? '').toLowerCase() !== want) continue
    return {name: r.name ?? name, loginServer: (r.loginServer ?? `${want}.azurecr.io`).toLowerCase(), id: r.id ?? ''}
  }
  throw new InputError(
    'REGISTRY_NOT_FOUND',
    `No container registry named ${name} in subscription ${o.subscriptionId}`,
    'Check --registry (the ACR resource name, not its login server) and --subscription; or pass --image REGISTRY/REPO[:TAG]',
  )
}

export interface NewRegistry {
  name: string
  resourceGroup: string
  location: string
}

/**
 * Creates an ACR the app can pull from with a managed identity: Basic SKU, admin user disabled, and RBAC registry
 * permissions (`LegacyRegistryPermissions`) so that AcrPull is honoured — new registries may otherwise default to
 * ABAC repository permissions, where AcrPull is ignored. The resource group is created when missing.
 */
export async function createRegistry(
  o: {
    credential: TokenCredential
    subscriptionId: string
    target: ArmTarget
    debug: Debug
    env: Record<string, string | undefined>
  },
  r: NewRegistry,
  signal?: AbortSignal,
): Promise<AcrByName> {
  if (!/^[a-zA-Z0-9]{5,50}$/.test(r.name)) {
    throw new InputError(
      'INVALID_REGISTRY_NAME',
      `Registry name '${shown(r.name)}' is not valid: use 5-50 letters and digits`,
      'Pass --registry with a name like shopregistry (it becomes <name>.azurecr.io)',
    )
  }
  const opts = armClientOptions(o.target, o.debug, o.env, signal)
  const call = signal ? {abortSignal: signal} : {}
  const {toAzdeployError, isNotFound} = await import('./arm-errors.js')
  try {
    const {ResourceManagementClient} = await import('@azure/arm-resources')
    const rg = new ResourceManagementClient(o.credential, o.subscriptionId, opts)
    try {
      await rg.resourceGroups.get(r.resourceGroup, call)
    } catch (e) {
      if (!isNotFound(e)) throw e
      await rg.resourceGroups.createOrUpdate(
        r.resourceGroup,
        {location: r.location, tags: {'managed-by': 'azdeploy'}},
        call,
      )
    }
    const {ContainerRegistryManagementClient} = await import('@azure/arm-containerregistry')
    const client = new ContainerRegistryManagementClient(o.credential, o.subscriptionId, opts)
    const created = await client.registries.create(
      r.resourceGroup,
      r.name,
      {
        location: r.location,
        sku: {name: 'Basic'},
        adminUserEnabled: false,
        roleAssignmentMode: 'LegacyRegistryPermissions',
        tags: {'managed-by': 'azdeploy'},
      } as never,
      {...call, updateIntervalInMs: readKnobs(o.env).lroIntervalMs},
    )
    return {
      name: created.name ?? r.name,
      loginServer: (created.loginServer ?? `${r.name.toLowerCase()}.azurecr.io`).toLowerCase(),
      id: created.id ?? '',
    }
  } catch (e) {
    throw toAzdeployError(e, `create container registry ${r.name}`)
  }
}
