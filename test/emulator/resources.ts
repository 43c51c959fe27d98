// Subscriptions, resource groups and the generic async-operation status endpoint.
import {armError, type EmulatorContext, ok, type Route, route, strMap} from './http.js'
import {type EmulatorState, key, type ResourceGroup, rgId, type Subscription} from './state.js'

const subBody = (s: Subscription) => ({
  id: `/subscriptions/${s.subscriptionId}`,
  subscriptionId: s.subscriptionId,
  displayName: s.displayName,
  tenantId: s.tenantId,
  state: s.state,
  subscriptionPolicies: {
    locationPlacementId: 'Public_2014-09-01',
    quotaId: 'PayAsYouGo_2014-09-01',
    spendingLimit: 'Off',
  },
  authorizationSource: 'RoleBased',
})

const rgBody = (g: ResourceGroup) => ({
  id: g.id,
  name: g.name,
  type: 'Microsoft.Resources/resourceGroups',
  location: g.location,
  tags: g.tags,
  properties: {provisioningState: 'Succeeded'},
})

/** Removes every resource inside the resource group (closing simulated containers). */
async function cascadeDelete(state: EmulatorState, id: string): Promise<void> {
  const prefix = key(id) + '/'
  for (const map of [state.sites, state.slots]) {
    for (const [k, site] of map) {
      if (k.startsWith(prefix)) {
        map.delete(k)
        await site.runtime.close()
      }
    }
  }
  for (const map of [state.plans, state.registries, state.identities, state.roleAssignments] as Map<
    string,
    unknown
  >[]) {
    for (const k of [...map.keys()]) if (k.startsWith(prefix)) map.delete(k)
  }
}

const RESOURCE_TYPES = [
  ['sites', 'Microsoft.Web/sites'],
  ['slots', 'Microsoft.Web/sites/slots'],
  ['plans', 'Microsoft.Web/serverFarms'],
  ['registries', 'Microsoft.ContainerRegistry/registries'],
  ['identities', 'Microsoft.ManagedIdentity/userAssignedIdentities'],
] as const

/** What `GET .../resourceGroups/{rg}/resources` lists (role assignments are not resources of the group). */
function resourcesIn(state: EmulatorState, groupId: string) {
  const prefix = key(groupId) + '/'
  const out: Array<{id: string; name: string; type: string; location: string; tags: Record<string, string>}> = []
  for (const [field, type] of RESOURCE_TYPES) {
    for (const [k, r] of state[field] as Map<
      string,
      {id: string; name: string; location: string; tags: Record<string, string>; slot?: string}
    >) {
      if (!k.startsWith(prefix)) continue
      const name = r.slot ? `${r.id.split('/')[8]}/${r.slot}` : r.name
      out.push({id: r.id, name, type, location: r.location, tags: {...r.tags}})
    }
  }
  return out
}

export function resourceRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
  return [
    route('^/subscriptions', {GET: () => ok({value: [...state.subscriptions.values()].map(subBody)})}),
    route('^/subscriptions/([^/]+)', {
      GET: (_req, [sub]) => {
        const s = state.subscriptions.get(key(sub!))
        return s
          ? ok(subBody(s))
          : armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`)
      },
    }),
    route('^/subscriptions/([^/]+)/resourcegroups', {
      GET: (_req, [sub]) =>
        ok({value: [...state.resourceGroups.values()].filter((g) => key(g.subscriptionId) === key(sub!)).map(rgBody)}),
    }),
    route('^/subscriptions/([^/]+)/resourcegroups/([^/]+)', {
      GET: (_req, [sub, rg]) => {
        const g = state.resourceGroups.get(key(rgId(sub!, rg!)))
        return g ? ok(rgBody(g)) : armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)
      },
      HEAD: (_req, [sub, rg]) => ({status: state.resourceGroups.has(key(rgId(sub!, rg!))) ? 204 : 404}),
      PUT: (req, [sub, rg]) => {
        const location = String(req.body.location ?? '')
        if (!location)
          return armError(400, 'LocationRequired', 'The location property is required for this definition.')
        const existing = state.resourceGroups.get(key(rgId(sub!, rg!)))
        const g: ResourceGroup = existing ?? {id: rgId(sub!, rg!), subscriptionId: sub!, name: rg!, location, tags: {}}
        if (existing && existing.location.toLowerCase() !== location.toLowerCase()) {
          return armError(
            409,
            'InvalidResourceGroupLocation',
            `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
          )
        }
        if (req.body.tags !== undefined) g.tags = strMap(req.body.tags)
        state.resourceGroups.set(key(g.id), g)
        return ok(rgBody(g), existing ? 200 : 201)
      },
      DELETE: async (_req, [sub, rg]) => {
        const g = state.resourceGroups.get(key(rgId(sub!, rg!)))
        if (!g) return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)
        state.resourceGroups.delete(key(g.id))
        await cascadeDelete(state, g.id)
        return {status: 200}
      },
    }),
    // resources.listByResourceGroup: every resource in the group with its type and tags (slots as sites/slots).
    route('^/subscriptions/([^/]+)/resourcegroups/([^/]+)/resources', {
      GET: (_req, [sub, rg]) => {
        const g = state.resourceGroups.get(key(rgId(sub!, rg!)))
        if (!g) return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)
        return ok({value: resourcesIn(state, g.id)})
      },
    }),
    // Status monitor handed out in Azure-AsyncOperation headers when state.lro is on.
    route('^/subscriptions/([^/]+)/providers/microsoft\\.web/locations/([^/]+)/operationresults/([^/]+)', {
      GET: (_req, m) => {
        const op = state.operations.get(m[2]!.toLowerCase())
        if (!op) return ok({id: m[2], name: m[2], status: 'Succeeded'})
        if (op.pending !== undefined && op.pending > 0) {
          op.pending--
          return ok({id: m[2], name: m[2], status: 'InProgress'})
        }
        return ok({id: m[2], name: m[2], status: op.status, ...(op.error ? {error: op.error} : {})})
      },
    }),
  ]
}
