// Microsoft.ContainerRegistry (management plane), Microsoft.ManagedIdentity and Microsoft.Authorization.
import {
  armError,
  type EmulatorContext,
  isResponse,
  notFound,
  obj,
  ok,
  RG,
  type Route,
  requireRg,
  route,
  strMap,
} from './http.js'
import {guid, type Identity, key, type Registry, type RoleAssignment, rgId} from './state.js'

const ACR = '/providers/microsoft\\.containerregistry/registries'
const MI = '/providers/microsoft\\.managedidentity/userassignedidentities'
const RA = '/providers/microsoft\\.authorization/roleassignments'

const registryBody = (r: Registry) => ({
  id: r.id,
  name: r.name,
  type: 'Microsoft.ContainerRegistry/registries',
  location: r.location,
  tags: r.tags,
  sku: {name: r.sku, tier: r.sku},
  properties: {
    loginServer: r.loginServer,
    creationDate: '2025-01-01T00:00:00.000Z',
    provisioningState: 'Succeeded',
    adminUserEnabled: r.adminUserEnabled,
    roleAssignmentMode: r.roleAssignmentMode,
    publicNetworkAccess: 'Enabled',
    anonymousPullEnabled: false,
  },
})

const identityBody = (i: Identity) => ({
  id: i.id,
  name: i.name,
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  location: i.location,
  tags: i.tags,
  properties: {principalId: i.principalId, clientId: i.clientId, tenantId: i.tenantId},
})

const raBody = (a: RoleAssignment) => ({
  id: a.id,
  name: a.name,
  type: 'Microsoft.Authorization/roleAssignments',
  properties: {
    roleDefinitionId: a.roleDefinitionId,
    principalId: a.principalId,
    principalType: a.principalType,
    scope: a.scope,
    condition: null,
    conditionVersion: null,
  },
})

/** Normalises a scope captured from a URL: exactly one leading slash, no trailing slash. */
const normScope = (s: string) => '/' + s.replace(/^\/+/, '').replace(/\/+$/, '')
const roleGuid = (id: string) => id.split('/').pop()!.toLowerCase()

export function registryRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
  return [
    route(`^/subscriptions/([^/]+)${ACR}`, {
      GET: (_req, [sub]) => {
        const prefix = key(`/subscriptions/${sub}/`)
        return ok({value: [...state.registries.values()].filter((r) => key(r.id).startsWith(prefix)).map(registryBody)})
      },
    }),
    route(`${RG}${ACR}`, {
      GET: (_req, [sub, rg]) => {
        const prefix = key(rgId(sub!, rg!)) + '/'
        return ok({value: [...state.registries.values()].filter((r) => key(r.id).startsWith(prefix)).map(registryBody)})
      },
    }),
    route(`${RG}${ACR}/([^/]+)`, {
      GET: (_req, [sub, rg, name]) => {
        const g = requireRg(ctx, sub!, rg!)
        if (isResponse(g)) return g
        const r = state.registries.get(
          key(`${rgId(sub!, rg!)}/providers/Microsoft.ContainerRegistry/registries/${name}`),
        )
        return r ? ok(registryBody(r)) : notFound('Microsoft.ContainerRegistry/registries', name!, g.name)
      },
      PUT: (req, [sub, rg, name]) => {
        const g = requireRg(ctx, sub!, rg!)
        if (isResponse(g)) return g
        const existing = state.registries.get(
          key(`${rgId(sub!, rg!)}/providers/Microsoft.ContainerRegistry/registries/${name}`),
        )
        const props = obj(req.body.properties)
        const reg = state.addRegistry({
          rg: g.name,
          name: existing?.name ?? name!,
          subscriptionId: sub!,
          location: String(req.body.location ?? existing?.location ?? 'westeurope'),
          loginServer: existing?.loginServer ?? state.newRegistryLoginServer?.(name!),
          roleAssignmentMode: String(
            props.roleAssignmentMode ?? existing?.roleAssignmentMode ?? 'LegacyRegistryPermissions',
          ),
        })
        reg.adminUserEnabled = Boolean(props.adminUserEnabled ?? existing?.adminUserEnabled ?? false)
        reg.sku = String(obj(req.body.sku).name ?? existing?.sku ?? 'Basic')
        reg.tags = req.body.tags !== undefined ? strMap(req.body.tags) : (existing?.tags ?? {})
        return ok(registryBody(reg), existing ? 200 : 201)
      },
      DELETE: (_req, [sub, rg, name]) => {
        const id = key(`${rgId(sub!, rg!)}/providers/Microsoft.ContainerRegistry/registries/${name}`)
        return {status: state.registries.delete(id) ? 200 : 204}
      },
    }),
    route(`${RG}${MI}/([^/]+)`, {
      GET: (_req, [sub, rg, name]) => {
        const g = requireRg(ctx, sub!, rg!)
        if (isResponse(g)) return g
        const i = state.identities.get(
          key(`${rgId(sub!, rg!)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`),
        )
        return i ? ok(identityBody(i)) : notFound('Microsoft.ManagedIdentity/userAssignedIdentities', name!, g.name)
      },
      PUT: (req, [sub, rg, name]) => {
        const g = requireRg(ctx, sub!, rg!)
        if (isResponse(g)) return g
        const id = `${rgId(sub!, g.name)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
        const existing = state.identities.get(key(id))
        const ident: Identity = existing ?? {
          id,
          name: name!,
          location: String(req.body.location ?? 'westeurope'),
          principalId: guid(),
          clientId: guid(),
          tenantId: state.defaultTenantId,
          tags: {},
        }
        if (req.body.tags !== undefined) ident.tags = strMap(req.body.tags)
        state.identities.set(key(id), ident)
        state.principals.add(ident.principalId.toLowerCase())
        return ok(identityBody(ident), existing ? 200 : 201)
      },
      DELETE: (_req, [sub, rg, name]) => {
        const id = key(`${rgId(sub!, rg!)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`)
        return {status: state.identities.delete(id) ? 200 : 204}
      },
    }),
    route(`^(/.*)${RA}`, {
      GET: (req, [scope]) => {
        const s = key(normScope(scope!))
        const filter = req.query.get('$filter') ?? ''
        const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase()
        const atScope = /atScope\(\)/i.test(filter)
        const value = [...state.roleAssignments.values()].filter((a) => {
          const as = key(a.scope)
          // Assignments at, above (inherited) or - unless atScope() - below the requested scope.
          const related = s === as || s.startsWith(as + '/') || (!atScope && as.startsWith(s + '/'))
          return related && (!principal || a.principalId.toLowerCase() === principal)
        })
        return ok({value: value.map(raBody)})
      },
    }),
    route(`^(/.*)${RA}/([^/]+)`, {
      GET: (_req, [scope, name]) => {
        const a = state.roleAssignments.get(
          key(`${normScope(scope!)}/providers/Microsoft.Authorization/roleAssignments/${name}`),
        )
        return a
          ? ok(raBody(a))
          : armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`)
      },
      PUT: (req, [scope, name]) => {
        const s = normScope(scope!)
        const id = `${s}/providers/Microsoft.Authorization/roleAssignments/${name}`
        const props = obj(req.body.properties)
        const roleDefinitionId = String(props.roleDefinitionId ?? '')
        const principalId = String(props.principalId ?? '')
        if (!roleDefinitionId || !principalId) {
          return armError(400, 'InvalidRoleAssignmentRequest', 'roleDefinitionId and principalId are required.')
        }
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name!)) {
          return armError(
            400,
            'InvalidRoleAssignmentId',
            `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
          )
        }
        const same = (a: RoleAssignment) =>
          key(a.scope) === key(s) &&
          roleGuid(a.roleDefinitionId) === roleGuid(roleDefinitionId) &&
          key(a.principalId) === key(principalId)
        const existing = state.roleAssignments.get(key(id))
        if (existing && !same(existing)) {
          return armError(
            409,
            'RoleAssignmentUpdateNotPermitted',
            'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
          )
        }
        if (!existing && [...state.roleAssignments.values()].some(same)) {
          return armError(409, 'RoleAssignmentExists', 'The role assignment already exists.')
        }
        if (!props.principalType && !state.principals.has(principalId.toLowerCase())) {
          return armError(
            400,
            'PrincipalNotFound',
            `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${state.defaultTenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
          )
        }
        const a: RoleAssignment = existing ?? {
          id,
          name: name!,
          scope: s,
          roleDefinitionId,
          principalId,
          principalType: String(props.principalType ?? 'ServicePrincipal'),
        }
        state.roleAssignments.set(key(id), a)
        return ok(raBody(a), existing ? 200 : 201)
      },
      DELETE: (_req, [scope, name]) => {
        const id = key(`${normScope(scope!)}/providers/Microsoft.Authorization/roleAssignments/${name}`)
        const a = state.roleAssignments.get(id)
        if (!a) return {status: 204}
        state.roleAssignments.delete(id)
        return ok(raBody(a))
      },
    }),
  ]
}
