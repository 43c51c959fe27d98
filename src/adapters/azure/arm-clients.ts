/** Lazily built ARM clients shared by the registry, identity and RBAC adapters (each SDK loads on first use). */
import type {ArmAdapterOptions} from './arm-pipeline.js'
import {armClientOptions} from './arm-pipeline.js'

export const memo = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | undefined
  return () => (p ??= f())
}

/** The SDK's by-id and scope paths are "/{resourceId}" with the value unescaped: a leading slash would give "//". */
export const stripSlash = (scope: string) => scope.replace(/^\/+/, '')

export function armClients(o: ArmAdapterOptions) {
  const opts = armClientOptions(o.target, o.debug, o.env, o.signal)
  return {
    acr: memo(
      async () =>
        new (await import('@azure/arm-containerregistry')).ContainerRegistryManagementClient(
          o.credential,
          o.subscriptionId,
          opts,
        ),
    ),
    auth: memo(
      async () =>
        new (await import('@azure/arm-authorization')).AuthorizationManagementClient(
          o.credential,
          o.subscriptionId,
          opts,
        ),
    ),
    res: memo(
      async () =>
        new (await import('@azure/arm-resources')).ResourceManagementClient(o.credential, o.subscriptionId, opts),
    ),
    call: {abortSignal: o.signal},
    lro: {abortSignal: o.signal, updateIntervalInMs: o.pollIntervalMs ?? 2000},
  }
}
