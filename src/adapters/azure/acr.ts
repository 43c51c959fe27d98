import {AuthError, RejectedError} from '../../core/errors.js'
import type {ActualIdentity} from '../../core/model.js'
import {ACR_PULL_ROLE_ID, ACR_REPOSITORY_READER_ROLE_NAME, resourceGroupOf} from '../../core/names.js'
import {Secret} from '../../core/secret.js'
import type {AcrPort, Clock, RegistryInfo} from '../../ports/index.js'
import {armStatus, isNotFound, parseArmErrorBody, toAzdeployError} from './arm-errors.js'
import {type ArmAdapterOptions, armClientOptions} from './arm-pipeline.js'

const IDENTITY_API = '2023-01-31'

export interface AcrAdapterOptions extends ArmAdapterOptions {
  clock: Clock
}

export function createAcrAdapter(o: AcrAdapterOptions): AcrPort {
  const opts = armClientOptions(o.target, o.debug, o.env, o.signal)
  const call = {abortSignal: o.signal}
  const lro = {abortSignal: o.signal, updateIntervalInMs: o.pollIntervalMs ?? 2000}
  const memo = <T>(f: () => Promise<T>) => {
    let p: Promise<T> | undefined
    return () => (p ??= f())
  }
  const acr = memo(
    async () =>
      new (await import('@azure/arm-containerregistry')).ContainerRegistryManagementClient(
        o.credential,
        o.subscriptionId,
        opts,
      ),
  )
  const auth = memo(
    async () =>
      new (await import('@azure/arm-authorization')).AuthorizationManagementClient(
        o.credential,
        o.subscriptionId,
        opts,
      ),
  )
  const res = memo(
    async () =>
      new (await import('@azure/arm-resources')).ResourceManagementClient(o.credential, o.subscriptionId, opts),
  )
  const identityId = (group: string, name: string) =>
    `/subscriptions/${o.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
  const toIdentity = (r: {id?: string; properties?: unknown}): ActualIdentity => {
    const p = (r.properties ?? {}) as {principalId?: string; clientId?: string}
    return {id: r.id ?? '', principalId: p.principalId ?? '', clientId: p.clientId ?? ''}
  }
  // The SDK's by-id and scope paths are "/{resourceId}" with the value unescaped: a leading slash would give "//".
  const stripSlash = (scope: string) => scope.replace(/^\/+/, '')

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
    async deleteRoleAssignmentsOf(principalId) {
      try {
        const client = await auth()
        let n = 0
        for await (const a of client.roleAssignments.listForSubscription({
          filter: `principalId eq '${principalId}'`,
          ...call,
        })) {
          if (!a.scope || !a.name) continue
          await client.roleAssignments.delete(stripSlash(a.scope), a.name, call)
          n++
        }
        return n
      } catch (e) {
        throw toAzdeployError(e, "remove the pull identity's role assignments")
      }
    },
    async roleAssignmentExists(scope, name) {
      try {
        await (await auth()).roleAssignments.get(stripSlash(scope), name, call)
        return true
      } catch (e) {
        if (isNotFound(e)) return false
        throw toAzdeployError(e, 'read the registry role assignment')
      }
    },
    async assignRole(scope, name, roleDefinitionId, principalId) {
      const client = await auth()
      const retryMs = Number(o.env['AZDEPLOY_ROLE_RETRY_MS'] ?? 5000)
      for (let attempt = 0; ; attempt++) {
        try {
          await client.roleAssignments.create(
            stripSlash(scope),
            name,
            {roleDefinitionId, principalId, principalType: 'ServicePrincipal'},
            call,
          )
          return 'created'
        } catch (e) {
          const body = parseArmErrorBody((e as {response?: {bodyAsText?: string}}).response?.bodyAsText ?? undefined)
          const code = body.code ?? (e as {code?: string}).code
          if (code === 'RoleAssignmentExists') return 'exists'
          if (code === 'PrincipalNotFound' && attempt < 12) {
            await o.clock.sleep(retryMs, o.signal)
            continue
          }
          const err = toAzdeployError(e, 'assign the pull role on the registry')
          if (err instanceof AuthError) {
            throw new AuthError(
              'ROLE_ASSIGNMENT_DENIED',
              `Not allowed to grant the app's identity pull access on the registry (${err.message})`,
              'Ask an Owner or User Access Administrator of the registry to run azdeploy once, or to assign AcrPull to the identity; or use --registry-auth admin',
              {cause: e},
            )
          }
          throw err
        }
      }
    },
    async pullRoleDefinitionId(scope, abac) {
      if (!abac)
        return `/subscriptions/${o.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`
      try {
        for await (const d of (await auth()).roleDefinitions.list(stripSlash(scope), {
          filter: `roleName eq '${ACR_REPOSITORY_READER_ROLE_NAME}'`,
          ...call,
        })) {
          if (d.id) return d.id
        }
      } catch (e) {
        throw toAzdeployError(e, 'look up the registry reader role')
      }
      throw new RejectedError(
        'ROLE_NOT_FOUND',
        `The registry uses ABAC repository permissions, and the role '${ACR_REPOSITORY_READER_ROLE_NAME}' was not found`,
        'Switch the registry to RBAC registry permissions, or assign a repository reader role yourself',
      )
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
