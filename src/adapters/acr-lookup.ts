/**
 * ARM look-up of an Azure Container Registry by its resource name (for `push --registry NAME`): lists the
 * subscription's registries (`@azure/arm-containerregistry` `registries.list()`, loaded lazily) and returns the
 * one whose name matches case-insensitively. Separate from acr.ts's `findRegistry`, which matches login servers.
 */
import type {TokenCredential} from '@azure/core-auth'
import {InputError} from '../core/errors.js'
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
    armClientOptions(o.target, o.debug, o.env),
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
