/** What `push` (and `up` without --image) needs from Azure: registry look-up and creation, and an ACR token. */

import {createRegistry, findRegistryByName} from '../adapters/azure/acr-lookup.js'
import {acrSetManifest} from '../adapters/registry/acr-content.js'
import type {Reporter} from '../output/reporter.js'
import type {AzureForPush} from '../services/push.js'
import type {AzureContext} from './session.js'

export function azureForPush(ctx: AzureContext, reporter: Reporter, signal: AbortSignal): AzureForPush {
  const arm = {
    credential: ctx.credential,
    subscriptionId: ctx.subscriptionId,
    target: {armEndpoint: ctx.cloud.armEndpoint, armScope: ctx.cloud.armScope},
    debug: (m: string) => reporter.debug(m),
    env: process.env,
  }
  return {
    loginServer: async (name) => (await findRegistryByName(arm, name, signal)).loginServer,
    createRegistry: async (r) => (await createRegistry(arm, r, signal)).loginServer,
    acrToken: async () => (await ctx.credential.getToken(ctx.cloud.acrScope, {abortSignal: signal})).token,
    credential: ctx.credential,
    acrAudience: ctx.cloud.acrAudience,
    ...(ctx.tenantId ? {tenantId: ctx.tenantId} : {}),
    manifestWriter: (dest) => {
      const target = {
        loginServer: dest.registry,
        repository: dest.repository,
        credential: ctx.credential,
        audience: ctx.cloud.acrAudience,
      }
      return (tag, manifest, mediaType) => acrSetManifest(target, tag, manifest, mediaType)
    },
  }
}
