/** The subscription's container registries (management plane): look-up by login server, admin credentials. */
import {RejectedError} from '../../core/errors.js'
import {resourceGroupOf} from '../../core/names.js'
import {Secret} from '../../core/secret.js'
import type {RegistryInfo, RegistryLookupPort} from '../../ports/index.js'
import {armClients} from './arm-clients.js'
import {armStatus, toAzdeployError} from './arm-errors.js'
import type {ArmAdapterOptions} from './arm-pipeline.js'

export function createRegistryLookupAdapter(o: ArmAdapterOptions): RegistryLookupPort {
  const {acr, call} = armClients(o)
  return {
    async findRegistry(loginServer) {
      try {
        const want = loginServer.toLowerCase()
        for await (const r of (await acr()).registries.list(call)) {
          if ((r.loginServer ?? '').toLowerCase() !== want) continue
          return {
            id: r.id ?? '',
            name: r.name ?? '',
            resourceGroup: resourceGroupOf(r.id ?? '') ?? '',
            loginServer: r.loginServer ?? loginServer,
            roleAssignmentMode: (r as {roleAssignmentMode?: string}).roleAssignmentMode ?? 'LegacyRegistryPermissions',
            adminUserEnabled: r.adminUserEnabled === true,
          } satisfies RegistryInfo
        }
        return null
      } catch (e) {
        // Without read access to registries we cannot wire managed identity; the caller falls back.
        if (armStatus(e) === 403) return null
        throw toAzdeployError(e, 'list container registries')
      }
    },
    async adminCredentials(registry) {
      try {
        const c = await (await acr()).registries.listCredentials(registry.resourceGroup, registry.name, call)
        const pw = c.passwords?.[0]?.value
        if (!c.username || !pw) throw new Error('no admin credentials returned')
        return {username: c.username, password: new Secret(pw)}
      } catch (e) {
        const err = toAzdeployError(e, `read the admin credentials of registry ${registry.name}`)
        if (armStatus(e) === 400 || /admin/i.test(err.message)) {
          throw new RejectedError(
            'ACR_ADMIN_DISABLED',
            `Registry ${registry.name} has its admin user disabled`,
            'Drop --registry-auth admin: azdeploy pulls with a managed identity by default',
            {cause: e},
          )
        }
        throw err
      }
    },
  }
}
