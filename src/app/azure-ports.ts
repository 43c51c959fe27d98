/** Builds the ports a deploy needs from an Azure context. Nothing heavy is imported until first use. */

import {createAcrAdapter} from '../adapters/azure/acr.js'
import {createAppServiceAdapter} from '../adapters/azure/app-service.js'
import {createHttpProbe, systemClock} from '../adapters/system/http-probe.js'
import type {ImageRef} from '../core/image-ref.js'
import type {Reporter} from '../output/reporter.js'
import type {AcrPort, AppServicePort, Clock, HttpProbe, ImageInspector} from '../ports/index.js'
import type {AzureContext} from './session.js'

/** Starts loading the ARM SDKs a deploy uses, so their start-up overlaps with signing in (an `az` process). */
export function preloadArmSdks(): Promise<unknown> {
  return Promise.all([import('@azure/arm-appservice'), import('@azure/arm-resources')]).catch(() => undefined)
}

export interface AzurePorts {
  app: AppServicePort
  acr: AcrPort
  images: ImageInspector
  probe: HttpProbe
  clock: Clock
  acrToken: () => Promise<string>
}

export function createAzurePorts(
  ctx: AzureContext,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>,
): AzurePorts {
  const target = {armEndpoint: ctx.cloud.armEndpoint, armScope: ctx.cloud.armScope}
  const debug = (m: string) => reporter.debug(m)
  const lroMs = Number(env['AZDEPLOY_LRO_INTERVAL_MS'] ?? 2000)
  const common = {
    credential: ctx.credential,
    subscriptionId: ctx.subscriptionId,
    target,
    debug,
    env,
    signal,
    pollIntervalMs: lroMs,
  }
  const images: ImageInspector = {
    async inspect(ref, creds) {
      const {OciRegistryClient} = await import('../adapters/registry/oci-registry.js')
      // An ACR of the subscription is read through @azure/container-registry with the Azure identity.
      const source =
        creds.kind === 'aad'
          ? (await import('../adapters/registry/acr-content.js')).acrContentSource(
              ref.registry,
              ctx.credential,
              ctx.cloud.acrAudience,
            )
          : undefined
      const opts = {userAgent: 'azdeploy/0.1.0', ...(source ? {source} : {})}
      return new OciRegistryClient(ref.registry, creds, opts).inspect(ref as ImageRef)
    },
    async isAcrStyle(registry) {
      const {isAcrStyleRegistry} = await import('../adapters/registry/oci-registry.js')
      return isAcrStyleRegistry(registry, {userAgent: 'azdeploy/0.1.0'})
    },
  }
  return {
    app: createAppServiceAdapter(common),
    acr: createAcrAdapter({...common, clock: systemClock}),
    images,
    probe: createHttpProbe(),
    clock: systemClock,
    acrToken: async () => {
      const t = await ctx.credential.getToken(ctx.cloud.acrScope, {abortSignal: signal})
      if (!t) throw new Error('no token for the registry')
      return t.token
    },
  }
}
