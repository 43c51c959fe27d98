/**
 * What `azdeploy down` deletes and what it keeps, decided from what it read (pure). The rule: the web app you name
 * goes; everything else goes only when azdeploy created it (its `managed-by: azdeploy` tag, or for a role assignment
 * the deterministic name `up` gives it) and nothing else uses it. `--delete-resource-group` is refused unless the
 * app is in that group and everything in the group is azdeploy's.
 */
import {InputError} from './errors.js'
import {MANAGED_TAG, MANAGED_TAG_VALUE} from './model.js'

export type TeardownKind = 'web-app' | 'role-assignment' | 'managed-identity' | 'plan' | 'resource-group'

export interface TeardownItem {
  kind: TeardownKind
  name: string
  /** ARM id (a role assignment: its full id; a resource group: /subscriptions/…/resourceGroups/NAME). */
  id: string
  /** Resource group of the item (for role assignments: the group of its scope, when it has one). */
  resourceGroup?: string
  /** A role assignment: its scope (where it grants access). */
  scope?: string
  /** A resource group: what goes with it (`name (type)`). */
  contains?: string[]
}

export interface KeptItem extends TeardownItem {
  reason: string
}

export interface TeardownDecision {
  /** In the order they are deleted. */
  delete: TeardownItem[]
  keep: KeptItem[]
  /** The largest thing deleted: the user types its name to confirm (undefined when nothing is deleted). */
  confirm?: {kind: TeardownKind; name: string}
}

export interface GroupResource {
  id: string
  name: string
  type: string
  tags: Record<string, string>
}

export interface TeardownFacts {
  app: string
  resourceGroup: string
  subscriptionId: string
  deletePlan: boolean
  deleteGroup: boolean
  site: {id: string; serverFarmId: string} | null
  identity: {id: string; name: string; tags: Record<string, string>} | null
  /** Other web apps (not this one) whose identity.userAssignedIdentities names the identity: `group/name`. */
  identityUsers: string[]
  /** The identity's role assignments, each marked when azdeploy made it (its deterministic name). */
  assignments: Array<{id: string; name: string; scope: string; ours: boolean}>
  plan: {id: string; name: string; resourceGroup: string; tags: Record<string, string>} | null
  /** Other web apps on the plan: `group/name`. */
  planUsers: string[]
  /** What the resource group holds (read only for --delete-resource-group). */
  groupResources?: GroupResource[]
}

export const KIND_LABEL: Record<TeardownKind, string> = {
  'web-app': 'web app',
  'role-assignment': 'role assignment',
  'managed-identity': 'managed identity',
  plan: 'plan',
  'resource-group': 'resource group',
}

const SIZE: TeardownKind[] = ['role-assignment', 'managed-identity', 'web-app', 'plan', 'resource-group']

export const isAzdeployTagged = (tags: Record<string, string> | undefined) =>
  Object.entries(tags ?? {}).some(([k, v]) => k.toLowerCase() === MANAGED_TAG && v.toLowerCase() === MANAGED_TAG_VALUE)

const NOT_OURS = `not created by azdeploy (no ${MANAGED_TAG}: ${MANAGED_TAG_VALUE} tag)`
const usedBy = (users: string[]) => `still used by web app ${cut(users)}`

/** At most `n` names, then "and N more". */
export function cut(names: string[], n = 4): string {
  return names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')} and ${names.length - n} more`
}

/** A role assignment as people read it: its name and the last segment of its scope (e.g. the registry). */
export function assignmentLabel(a: {name: string; scope?: string}): string {
  const segs = (a.scope ?? '').split('/').filter(Boolean)
  return `${a.name} on ${segs[segs.length - 1] ?? 'the subscription'}`
}

/** Everything `down` will delete and keep, or a refusal (exit 2) before anything is deleted. */
export function decideTeardown(f: TeardownFacts): TeardownDecision {
  if (f.deleteGroup) return decideGroup(f)
  const del: TeardownItem[] = []
  const keep: KeptItem[] = []
  if (f.site) del.push({kind: 'web-app', name: f.app, id: f.site.id, resourceGroup: f.resourceGroup})
  const identity = identityDecision(f)
  del.push(...identity.delete)
  keep.push(...identity.keep)
  if (f.plan) {
    const reason = planKeepReason(f)
    if (reason) keep.push({...planItem(f.plan), reason})
    else del.push(planItem(f.plan))
  }
  return withConfirm({delete: del, keep})
}

function planItem(p: NonNullable<TeardownFacts['plan']>): TeardownItem {
  return {kind: 'plan', name: p.name, id: p.id, resourceGroup: p.resourceGroup}
}

function assignmentItem(a: TeardownFacts['assignments'][number]): TeardownItem {
  return {kind: 'role-assignment', name: a.name, id: a.id, scope: a.scope}
}

/** The pull identity and its role assignments: all go together, or all stay. */
function identityDecision(f: TeardownFacts): {delete: TeardownItem[]; keep: KeptItem[]} {
  const i = f.identity
  if (!i) return {delete: [], keep: []}
  const item: TeardownItem = {kind: 'managed-identity', name: i.name, id: i.id, resourceGroup: f.resourceGroup}
  const foreign = f.assignments.filter((a) => !a.ours)
  const reason = !isAzdeployTagged(i.tags)
    ? NOT_OURS
    : f.identityUsers.length > 0
      ? usedBy(f.identityUsers)
      : foreign.length > 0
        ? `holds ${foreign.length} role assignment${foreign.length === 1 ? '' : 's'} azdeploy did not make`
        : undefined
  if (!reason) return {delete: [...f.assignments.map(assignmentItem), item], keep: []}
  const keptAssignments = f.assignments.map((a) => ({
    ...assignmentItem(a),
    reason: a.ours ? `its identity ${i.name} is kept` : 'not made by azdeploy',
  }))
  return {delete: [], keep: [{...item, reason}, ...keptAssignments]}
}

function decideGroup(f: TeardownFacts): TeardownDecision {
  const refusal = groupRefusal(f)
  if (refusal) throw new InputError(refusal.code, `${refusal.message}; nothing deleted`, refusal.hint)
  // The identity's assignments live at the registry's scope (usually elsewhere): delete them before the group.
  const del: TeardownItem[] = f.assignments.map(assignmentItem)
  const g = groupId(f)
  del.push({kind: 'resource-group', name: f.resourceGroup, id: g, contains: (f.groupResources ?? []).map(describe)})
  const keep: KeptItem[] = []
  if (f.plan && !inGroup(g, f.plan.id)) {
    const reason = planKeepReason(f, 'outside the group, ')
    if (reason) keep.push({...planItem(f.plan), reason})
    else del.push(planItem(f.plan)) // after the group: its app goes with the group
  }
  return withConfirm({delete: del, keep})
}

/** Why the plan stays, or undefined when it goes. */
function planKeepReason(f: TeardownFacts, prefix = ''): string | undefined {
  if (!f.plan) return undefined
  if (!f.deletePlan) return `${prefix}not asked to delete it: pass --plan`
  if (!isAzdeployTagged(f.plan.tags)) return NOT_OURS
  return f.planUsers.length > 0 ? usedBy(f.planUsers) : undefined
}

const inGroup = (groupId: string, id: string) => id.toLowerCase().startsWith(`${groupId.toLowerCase()}/`)

/** Why --delete-resource-group must not delete this group (checked before anything is deleted). */
function groupRefusal(f: TeardownFacts): {code: string; message: string; hint: string} | undefined {
  const g = f.resourceGroup
  const without = `azdeploy down --app ${f.app} -g ${g}`
  if (!f.site) {
    return {
      code: 'APP_NOT_IN_GROUP',
      message: `Web app ${f.app} is not in resource group ${g}, so --delete-resource-group will not delete the group`,
      hint: `Check the group (azdeploy status --app ${f.app} finds it), or delete what a failed first deploy left without the group: ${without} --plan`,
    }
  }
  const foreign = (f.groupResources ?? []).filter((r) => !isAzdeployTagged(r.tags))
  if (foreign.length > 0) {
    const n = `${foreign.length} resource${foreign.length === 1 ? '' : 's'}`
    return {
      code: 'GROUP_NOT_AZDEPLOYS',
      message: `Resource group ${g} holds ${n} azdeploy did not create: ${cut(foreign.map(describe), 5)}`,
      hint: `Delete the app without its group (${without} --plan), or move or delete those resources first`,
    }
  }
  const outside = (users: string[]) => users.filter((u) => u.split('/')[0]?.toLowerCase() !== g.toLowerCase())
  const inUse = (what: string, detail: string) => ({
    code: 'GROUP_IN_USE',
    message: `${what} in ${g} ${detail}`,
    hint: `Delete the app without its group: ${without}`,
  })
  if (f.identity && outside(f.identityUsers).length > 0)
    return inUse(
      `Managed identity ${f.identity.name}`,
      `is used by web app ${cut(outside(f.identityUsers))} outside the group`,
    )
  if (f.plan && inGroup(groupId(f), f.plan.id) && outside(f.planUsers).length > 0)
    return inUse(`Plan ${f.plan.name}`, `is used by web app ${cut(outside(f.planUsers))} outside the group`)
  const foreignAssignments = f.assignments.filter((a) => !a.ours)
  if (f.identity && foreignAssignments.length > 0) {
    const which = cut(foreignAssignments.map(assignmentLabel))
    return inUse(`Managed identity ${f.identity.name}`, `holds role assignments azdeploy did not make (${which})`)
  }
  return undefined
}

const groupId = (f: TeardownFacts) => `/subscriptions/${f.subscriptionId}/resourceGroups/${f.resourceGroup}`

function describe(r: GroupResource): string {
  return `${r.name} (${r.type})`
}

function withConfirm(d: {delete: TeardownItem[]; keep: KeptItem[]}): TeardownDecision {
  let largest: TeardownItem | undefined
  for (const item of d.delete) {
    if (!largest || SIZE.indexOf(item.kind) > SIZE.indexOf(largest.kind)) largest = item
  }
  return largest ? {...d, confirm: {kind: largest.kind, name: largest.name}} : d
}

/** One line per item, as the prompt and the result name them. */
export function itemLabel(item: TeardownItem): string {
  if (item.kind === 'role-assignment') return `role assignment ${assignmentLabel(item)}`
  if (item.kind === 'resource-group' && item.contains?.length)
    return `resource group ${item.name} with ${cut(item.contains, 6)}`
  return `${KIND_LABEL[item.kind]} ${item.name}`
}
