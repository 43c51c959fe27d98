// ARM Tags API at any scope (arm-resources 7 `tagsOperations.*AtScope`, api-version 2025-04-01 there, same
// bodies as 2021-04-01): GET | PUT | PATCH | DELETE {scope}/providers/Microsoft.Resources/tags/default.
// PUT replaces the tag set, PATCH {operation: Merge | Replace | Delete, properties: {tags}} edits it, DELETE
// removes every tag. Writes only the resource's tags: nothing restarts. Limits of reference §3.5: 50 tags,
// names ≤ 512 characters without < > % & \ ? /, values ≤ 256 (error codes as ARM's: InvalidTags,
// InvalidTagName, InvalidTagNameCharacters, InvalidTagValueLength). Tag names are case-insensitive.
import type {ArmResponse} from './faults.js'
import {armError, type EmulatorContext, obj, ok, type Route, route, strMap} from './http.js'
import {type EmulatorState, key} from './state.js'

type Tags = Record<string, string>

/** The tag holder at a scope (resource group, plan, site, slot, registry, identity, subscription). */
function holder(state: EmulatorState, scope: string): {get(): Tags; set(t: Tags): void} | undefined {
  const k = key(scope)
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(scope)?.[1]
  if (sub) {
    if (!state.subscriptions.has(key(sub))) return undefined
    return {get: () => state.subscriptionTags.get(key(sub)) ?? {}, set: (t) => state.subscriptionTags.set(key(sub), t)}
  }
  const maps: Array<Map<string, {tags: Tags}>> = [
    state.resourceGroups,
    state.plans,
    state.sites,
    state.slots,
    state.registries,
    state.identities,
  ]
  for (const m of maps) {
    const r = m.get(k)
    if (r) return {get: () => r.tags, set: (t) => (r.tags = t)}
  }
  return undefined
}

/** ARM's validation of a tag set; undefined when valid. */
export function validateTags(tags: Tags): ArmResponse | undefined {
  const names = Object.keys(tags)
  if (names.length > 50) {
    return armError(
      400,
      'InvalidTags',
      `Too many tags specified. Requested tag count - '${names.length}'. Maximum number of tags allowed - '50'.`,
    )
  }
  for (const n of names) {
    if (!n.trim()) {
      return armError(
        400,
        'InvalidTagName',
        'The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.',
      )
    }
    if (n.length > 512) {
      return armError(
        400,
        'InvalidTagName',
        `Tag key too large. Following tag name '${n}' exceeded the maximum length. Maximum allowed length for tag name - '512' characters.`,
      )
    }
    if (/[<>%&\\?/\u0000-\u001f]/.test(n)) {
      return armError(
        400,
        'InvalidTagNameCharacters',
        `The tag names '${n}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
      )
    }
  }
  for (const v of Object.values(tags)) {
    if (v.length > 256) {
      return armError(
        400,
        'InvalidTagValueLength',
        `Tag value too large. Following tag value '${v}' exceeded the maximum length. Maximum allowed length for tag value - '256' characters.`,
      )
    }
  }
  return undefined
}

/** Sets `name` in `tags`, replacing a key that differs only in case. */
function put(tags: Tags, name: string, value: string): void {
  for (const k of Object.keys(tags)) if (k.toLowerCase() === name.toLowerCase()) delete tags[k]
  tags[name] = value
}

export function tagRoutes(ctx: EmulatorContext): Route[] {
  const {state} = ctx
  const body = (scope: string, tags: Tags) => ({
    id: `${scope}/providers/Microsoft.Resources/tags/default`,
    name: 'default',
    type: 'Microsoft.Resources/tags',
    properties: {tags},
  })
  const find = (scope: string) =>
    holder(state, scope) ??
    armError(
      404,
      'ResourceNotFound',
      `The Resource '${scope.replace(/^\/subscriptions\/[^/]+\//i, '')}' was not found.`,
    )
  const write = (scope: string, h: {set(t: Tags): void}, next: Tags): ArmResponse => {
    const bad = validateTags(next)
    if (bad) return bad
    h.set(next)
    return ok(body(scope, next))
  }
  return [
    route('^(/subscriptions/[^/]+(?:/.+)?)/providers/microsoft\\.resources/tags/default', {
      GET: (_req, [scope]) => {
        const h = find(scope!)
        return 'status' in h ? h : ok(body(scope!, h.get()))
      },
      PUT: (req, [scope]) => {
        const h = find(scope!)
        if ('status' in h) return h
        const next: Tags = {}
        for (const [n, v] of Object.entries(strMap(obj(req.body.properties).tags))) put(next, n, v)
        return write(scope!, h, next)
      },
      PATCH: (req, [scope]) => {
        const h = find(scope!)
        if ('status' in h) return h
        const op = String(req.body.operation ?? '')
        const given = strMap(obj(req.body.properties).tags)
        const next: Tags = op.toLowerCase() === 'replace' ? {} : {...h.get()}
        if (/^(merge|replace)$/i.test(op)) {
          for (const [n, v] of Object.entries(given)) put(next, n, v)
        } else if (/^delete$/i.test(op)) {
          // Delete removes the named tags (with a value given, only when it matches).
          for (const [n, v] of Object.entries(given)) {
            const k = Object.keys(next).find((x) => x.toLowerCase() === n.toLowerCase())
            if (k !== undefined && (v === '' || next[k] === v)) delete next[k]
          }
        } else {
          return armError(
            400,
            'InvalidTagPatchOperation',
            `The tag patch operation '${op}' is not valid. Use 'Merge', 'Replace' or 'Delete'.`,
          )
        }
        return write(scope!, h, next)
      },
      DELETE: (_req, [scope]) => {
        const h = find(scope!)
        if ('status' in h) return h
        h.set({})
        return {status: 200}
      },
    }),
  ]
}
