/** User-assigned managed identities, through the generic resources API (no extra SDK). */
import type {ActualIdentity} from '../../core/model.js'
import type {IdentityPort} from '../../ports/index.js'
import {armClients, stripSlash} from './arm-clients.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import type {ArmAdapterOptions} from './arm-pipeline.js'

const IDENTITY_API = '2023-01-31'

export function createIdentityAdapter(o: ArmAdapterOptions): IdentityPort {
  const {res, call, lro} = armClients(o)
  const identityId = (group: string, name: string) =>
    `/subscriptions/${o.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
  const toIdentity = (r: {id?: string; properties?: unknown; tags?: Record<string, string>}): ActualIdentity => {
    const p = (r.properties ?? {}) as {principalId?: string; clientId?: string}
    return {id: r.id ?? '', principalId: p.principalId ?? '', clientId: p.clientId ?? '', tags: {...(r.tags ?? {})}}
  }
  return {
    async getIdentity(group, name) {
      try {
        return toIdentity(
          await (await res()).resources.getById(stripSlash(identityId(group, name)), IDENTITY_API, call),
        )
      } catch (e) {
        if (isNotFound(e)) return null
        throw toAzdeployError(e, `read managed identity ${name}`)
      }
    },
    async createIdentity(group, name, location, tags) {
      try {
        const r = await (await res()).resources.beginCreateOrUpdateByIdAndWait(
          stripSlash(identityId(group, name)),
          IDENTITY_API,
          {location, tags},
          lro,
        )
        return toIdentity(r)
      } catch (e) {
        throw toAzdeployError(e, `create managed identity ${name}`)
      }
    },
    async deleteIdentity(group, name) {
      try {
        await (await res()).resources.beginDeleteByIdAndWait(stripSlash(identityId(group, name)), IDENTITY_API, lro)
      } catch (e) {
        if (!isNotFound(e)) throw toAzdeployError(e, `delete managed identity ${name}`)
      }
    },
  }
}
