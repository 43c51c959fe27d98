/** Builds the ports a deploy needs from an Azure context. Nothing heavy is imported until first use. */

import {createAppServiceAdapter} from '../adapters/azure/app-service.js'
import {createIdentityAdapter} from '../adapters/azure/identities.js'
import {createRoleAssignmentAdapter} from '../adapters/azure/rbac.js'
import {createRegistryLookupAdapter} from '../adapters/azure/registries.js'
import {createReleaseStore} from '../adapters/azure/release-store.js'
import {createHttpProbe, systemClock} from '../adapters/system/http-probe.js'
import {readKnobs} from '../core/knobs.js'
import type {Reporter} from '../output/reporter.js'
import type {DeployPorts} from '../services/deploy.js'
import {loadDoctor} from '../services/deploy-preflight.js'
import {createImageInspector} from './images.js'
import type {AppIO} from './io.js'
import type {AzureContext} from './session.js'

/** Starts loading the ARM SDKs a deploy uses, so their start-up overlaps with signing in (an `az` process). */
export function preloadArmSdks(): Promise<unknown> {
  return Promise.all([import('@azure/arm-appservice'), import('@azure/arm-resources')]).catch(() => undefined)
}

/** Every Azure-side port a command may use; the SDK clients behind them are built on first call. */
export type AzurePorts = DeployPorts

export function createAzurePorts(
  ctx: AzureContext,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>,
): AzurePorts {
  const target = {
    armEndpoint: ctx.cloud.armEndpoint,
    armScope: ctx.cloud.armScope,
    appServiceDomain: ctx.cloud.appServiceDomain,
  }
  const debug = (m: string) => reporter.debug(m)
  const lroMs = readKnobs(env).lroIntervalMs
  const common = {
    credential: ctx.credential,
    subscriptionId: ctx.subscriptionId,
    target,
    debug,
    env,
    signal,
    pollIntervalMs: lroMs,
  }
  return {
    app: createAppServiceAdapter(common),
    registries: createRegistryLookupAdapter(common),
    identities: createIdentityAdapter(common),
    rbac: createRoleAssignmentAdapter({...common, clock: systemClock}),
    releases: createReleaseStore(common),
    doctor: loadDoctor,
    images: createImageInspector(ctx, signal),
    probe: createHttpProbe(),
    clock: systemClock,
    acrToken: async () => {
      const t = await ctx.credential.getToken(ctx.cloud.acrScope, {abortSignal: signal})
      if (!t) throw new Error('no token for the registry')
      return t.token
    },
  }
}

/** Signs in and builds the Azure ports for a command; the SDKs load only here, never for --help. */
export async function connectAzure(
  target: {subscription?: string | undefined; cloud?: string | undefined},
  io: AppIO,
): Promise<{ctx: AzureContext; ports: AzurePorts}> {
  const {createAzureContext} = await import('./session.js')
  const ctx = await createAzureContext({
    cloud: target.cloud,
    subscription: target.subscription,
    env: io.env,
    secrets: io.reporter,
  })
  return {ctx, ports: createAzurePorts(ctx, io.reporter, io.signal, io.env)}
}
