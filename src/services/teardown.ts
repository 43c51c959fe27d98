/**
 * `azdeploy down` in two phases: `inspectTeardown` reads what exists (nothing is written) and decides what goes and
 * what stays (core/teardown.ts); `runTeardown` deletes the decided items in order, naming each before it goes.
 */
import {AzdeployError, InterruptedError} from '../core/errors.js'
import {pullIdentityName, resourceGroupOf} from '../core/names.js'
import {siteRef} from '../core/site-ref.js'
import {
  decideTeardown,
  itemLabel,
  type KeptItem,
  type TeardownDecision,
  type TeardownFacts,
  type TeardownItem,
} from '../core/teardown.js'
import type {Reporter} from '../output/reporter.js'
import type {AppServicePort, IdentityPort, RoleAssignmentPort, SiteName} from '../ports/index.js'
import {roleAssignmentName} from './read-state.js'

export interface TeardownOptions {
  app: string
  resourceGroup: string
  subscriptionId: string
  /** The plan to look for when the web app does not exist (a failed first deploy): azdeploy.yml's, else <app>-plan. */
  planName: string
  deletePlan: boolean
  deleteGroup: boolean
}

export interface TeardownPorts {
  app: AppServicePort
  identities: IdentityPort
  rbac: RoleAssignmentPort
}

export interface TeardownOutcome {
  app: string
  resourceGroup: string
  deleted: TeardownItem[]
  kept: KeptItem[]
}

const siteLabel = (s: SiteName) => `${s.resourceGroup}/${s.name}`
const isThisApp = (o: TeardownOptions) => (s: SiteName) =>
  s.name.toLowerCase() === o.app.toLowerCase() && s.resourceGroup.toLowerCase() === o.resourceGroup.toLowerCase()

/** Reads the app, its pull identity (users, role assignments), its plan (users) and, when asked, the group. */
export async function inspectTeardown(o: TeardownOptions, ports: TeardownPorts): Promise<TeardownDecision> {
  const ref = siteRef(o.resourceGroup, o.app)
  const [site, identity, groupResources] = await Promise.all([
    ports.app.getSite(ref),
    ports.identities.getIdentity(o.resourceGroup, pullIdentityName(o.app)),
    o.deleteGroup ? ports.app.listResources(o.resourceGroup) : Promise.resolve(undefined),
  ])
  const planRef = site
    ? {resourceGroup: resourceGroupOf(site.serverFarmId) ?? o.resourceGroup, name: lastSegment(site.serverFarmId)}
    : {resourceGroup: o.resourceGroup, name: o.planName}
  const others = isThisApp(o)
  const [[plan, planUsers], identityUsers, assignments] = await Promise.all([
    ports.app
      .getPlan(planRef)
      .then(
        async (p) => [p, p && (o.deletePlan || o.deleteGroup) ? await ports.app.listSitesInPlan(planRef) : []] as const,
      ),
    identity ? ports.app.sitesUsingIdentity(identity.id) : Promise.resolve([]),
    identity ? ports.rbac.listRoleAssignmentsOf(identity.principalId) : Promise.resolve([]),
  ])
  const facts: TeardownFacts = {
    app: o.app,
    resourceGroup: o.resourceGroup,
    subscriptionId: o.subscriptionId,
    deletePlan: o.deletePlan,
    deleteGroup: o.deleteGroup,
    site: site ? {id: site.id, serverFarmId: site.serverFarmId} : null,
    identity: identity ? {id: identity.id, name: pullIdentityName(o.app), tags: identity.tags ?? {}} : null,
    identityUsers: identityUsers.filter((s) => !others(s)).map(siteLabel),
    assignments: assignments.map((a) => ({
      id: a.id,
      name: a.name,
      scope: a.scope,
      // The names `up` gives its AcrPull (or ABAC reader) assignment: a function of scope and principal.
      ours:
        !!identity &&
        [false, true].some((abac) => roleAssignmentName(a.scope, identity.principalId, abac) === a.name.toLowerCase()),
    })),
    plan: plan
      ? {id: plan.id, name: plan.name || planRef.name, resourceGroup: planRef.resourceGroup, tags: plan.tags ?? {}}
      : null,
    planUsers: planUsers.filter((s) => !others(s)).map(siteLabel),
  }
  if (o.deleteGroup) facts.groupResources = groupResources ?? []
  return decideTeardown(facts)
}

/** Deletes the decided items in order; each is named (a stage) before it goes. */
export async function runTeardown(
  o: Pick<TeardownOptions, 'app' | 'resourceGroup'>,
  d: TeardownDecision,
  ports: TeardownPorts,
  out: Reporter,
): Promise<TeardownOutcome> {
  const result: TeardownOutcome = {app: o.app, resourceGroup: o.resourceGroup, deleted: [], kept: d.keep}
  if (d.delete.length === 0) out.info(`nothing of app ${o.app} to delete in ${o.resourceGroup}`)
  for (const k of d.keep) out.info(`keeping ${itemLabel(k)}: ${k.reason}`)
  for (const [i, item] of d.delete.entries()) {
    try {
      await out.stage(`Delete ${itemLabel(item)}`, () => deleteItem(item, o, ports))
    } catch (e) {
      throw partlyDone(e, result.deleted, d.delete.slice(i))
    }
    result.deleted.push(item)
  }
  return result
}

/** A failed delete names what is already gone and what is left; running `down` again deletes only what is left. */
function partlyDone(e: unknown, deleted: TeardownItem[], left: TeardownItem[]): unknown {
  if (!(e instanceof AzdeployError) || e instanceof InterruptedError) return e
  const gone = deleted.length ? `deleted: ${deleted.map(itemLabel).join('; ')}; ` : ''
  const again = 'run the same azdeploy down again: it reads again and deletes only what is left'
  return new AzdeployError(
    e.code,
    e.exitCode,
    `${e.message} (${gone}not deleted: ${left.map(itemLabel).join('; ')})`,
    e.hint ? `${e.hint}; then ${again}` : again.charAt(0).toUpperCase() + again.slice(1),
    e.cause === undefined ? undefined : {cause: e.cause},
  )
}

function deleteItem(item: TeardownItem, o: Pick<TeardownOptions, 'app' | 'resourceGroup'>, ports: TeardownPorts) {
  switch (item.kind) {
    case 'web-app':
      return ports.app.deleteSite(siteRef(o.resourceGroup, o.app))
    case 'role-assignment':
      return ports.rbac.deleteRoleAssignment(item.scope ?? '', item.name)
    case 'managed-identity':
      return ports.identities.deleteIdentity(o.resourceGroup, item.name)
    case 'plan':
      return ports.app.deletePlan({resourceGroup: item.resourceGroup ?? o.resourceGroup, name: item.name})
    case 'resource-group':
      return ports.app.deleteResourceGroup(item.name)
  }
}

const lastSegment = (id: string) => id.split('/').pop() ?? ''
