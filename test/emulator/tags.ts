// Microsoft.Resources/tags at a web app's scope (GET, PUT, PATCH Merge/Replace/Delete), with ARM's tag limits
// enforced so tests catch an encoding that would be refused: ≤ 50 tags, names ≤ 512 without < > % & \ ? /,
// values ≤ 256. Tag writes never restart the site (tags are ARM metadata; azure-reference §3.5 "expected not").
// The error codes are the emulator's own (the real ones are unverified).
import {armError, type EmulatorContext, isResponse, ok, RG, type Route, route, strMap} from './http.js'
import {findSite} from './web-site.js'

const TAGS = `${RG}/providers/microsoft\\.web/sites/([^/]+)/providers/microsoft\\.resources/tags/default`

function body(id: string, tags: Record<string, string>) {
  return {
    id: `${id}/providers/Microsoft.Resources/tags/default`,
    name: 'default',
    type: 'Microsoft.Resources/tags',
    properties: {tags},
  }
}

function check(tags: Record<string, string>) {
  if (Object.keys(tags).length > 50) {
    return armError(
      400,
      'TagsLimitExceeded',
      `A resource can have at most 50 tags; the request leaves ${Object.keys(tags).length}.`,
    )
  }
  for (const [k, v] of Object.entries(tags)) {
    if (k.length > 512 || /[<>%&\\?/]/.test(k))
      return armError(400, 'InvalidTagName', `The tag name '${k}' is invalid.`)
    if (v.length > 256)
      return armError(400, 'InvalidTagValueLength', `The value of tag '${k}' is longer than 256 characters.`)
  }
  return null
}

/** Tag names are case-insensitive: a write to `A` replaces `a`. */
function put(tags: Record<string, string>, k: string, v: string) {
  for (const old of Object.keys(tags)) if (old.toLowerCase() === k.toLowerCase()) delete tags[old]
  tags[k] = v
}

export function tagRoutes(ctx: EmulatorContext): Route[] {
  return [
    route(TAGS, {
      GET: (_req, [sub, rg, name]) => {
        const site = findSite(ctx, sub!, rg!, name!)
        return isResponse(site) ? site : ok(body(site.id, site.tags))
      },
      PUT: (req, [sub, rg, name]) => {
        const site = findSite(ctx, sub!, rg!, name!)
        if (isResponse(site)) return site
        const next = strMap((req.body.properties as {tags?: unknown} | undefined)?.tags)
        const bad = check(next)
        if (bad) return bad
        site.tags = next
        return ok(body(site.id, site.tags))
      },
      PATCH: (req, [sub, rg, name]) => {
        const site = findSite(ctx, sub!, rg!, name!)
        if (isResponse(site)) return site
        const given = strMap((req.body.properties as {tags?: unknown} | undefined)?.tags)
        const op = String(req.body.operation ?? '')
        const next = op === 'Replace' ? {} : {...site.tags}
        if (op === 'Merge' || op === 'Replace') for (const [k, v] of Object.entries(given)) put(next, k, v)
        else if (op === 'Delete') {
          // Deletes the given name/value pairs; an empty value deletes the name whatever its value.
          for (const [k, v] of Object.entries(given)) {
            const old = Object.keys(next).find((o) => o.toLowerCase() === k.toLowerCase())
            if (old !== undefined && (v === '' || next[old] === v)) delete next[old]
          }
        } else return armError(400, 'InvalidTagOperation', `Unknown tags operation '${op}'.`)
        const bad = check(next)
        if (bad) return bad
        site.tags = next
        return ok(body(site.id, site.tags))
      },
    }),
  ]
}
