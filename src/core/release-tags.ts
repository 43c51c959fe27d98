/**
 * Releases encoded as ARM resource tags on the web app (or slot). Why tags: they live in Azure (every machine and
 * CI runner sees the same list), any Reader can list them without seeing a secret, and they are written through the
 * ARM Tags API (`PATCH {siteId}/providers/Microsoft.Resources/tags/default`, operation Merge/Delete), which is ARM
 * metadata, not a site-config or app-settings write (those restart the app). That a tag change does not restart
 * the app is expected, not verified (azure-reference §3.5).
 *
 * Keys (tag names are case-insensitive; we write lower case, read any case):
 *   azdeploy.r.<id>.<writer>  one release. `<writer>` is a few random base-36 characters chosen by the deploy, so
 *                             two deploys that raced without the lock and picked the same id still write different
 *                             keys (a Merge writes only its own keys: neither record is lost). Readers order by id,
 *                             then createdAt, then key.
 *   azdeploy.s.<sid>          the settings NAMES of one distinct set, shared by every release using that set
 *                             (`sid` = 8 hex of sha256 over the names). Rarely more than one or two exist.
 *   azdeploy.lock             the deploy lock (deploy-lock.ts).
 *
 * Release value (v1, `|`-separated, ≤ 256 characters):
 *   1|<kind><status>|<createdAt ms base36>|<port>|<digest hex>|<sid>|<settings hash>|<source>|<restores>|<actor>|<image>
 *   kind d(eploy)/r(ollback); status r(unning) s(ucceeded) f(ailed) b(rolled back) i(nterrupted); the digest is the
 *   64 hex digits of `sha256:…` and is never shortened. Free text (source, actor, image) escapes `%`, `|`, `,` and
 *   control characters as %XX. When the value would pass 256 characters the actor and then the image are shortened
 *   with a `…` marker (the image keeps its tail, where the tag is).
 * Settings-set value: `1|<name>,<name>,…` and, if the names do not fit, as many as fit then `|+<how many omitted>`.
 * Anything else (a foreign tag, an unknown version, a damaged value) is left alone and reported, never thrown.
 */
import {createHash} from 'node:crypto'
import {compareReleases, type Release, type ReleaseKind, type ReleaseStatus, type StoredRelease} from './releases.js'

export const TAG_LIMIT = 50
/** azdeploy's own keys never take more than this, so at least 10 tags stay free for the user's own. */
export const AZDEPLOY_TAG_BUDGET = 40
export const TAG_VALUE_MAX = 256
export const TAG_NAME_MAX = 512
export const LOCK_KEY = 'azdeploy.lock'
export const PREFIX = 'azdeploy.'
const MARK = '…'

const KIND: Record<ReleaseKind, string> = {deploy: 'd', rollback: 'r'}
const STATUS: Record<ReleaseStatus, string> = {
  running: 'r',
  succeeded: 's',
  failed: 'f',
  'rolled back': 'b',
  interrupted: 'i',
}
const invert = <K extends string>(m: Record<K, string>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K>
const KIND_OF = invert(KIND)
const STATUS_OF = invert(STATUS)

const RELEASE_KEY = /^azdeploy\.r\.(\d{1,9})\.([a-z0-9]{1,8})$/i
const SET_KEY = /^azdeploy\.s\.([0-9a-f]{8})$/i
const DIGEST = /^sha256:([0-9a-f]{64})$/

/** ARM's rule for tag names: ≤ 512 characters, none of `< > % & \ ? /`. */
export function isValidTagName(name: string): boolean {
  return name.length > 0 && name.length <= TAG_NAME_MAX && !/[<>%&\\?/]/.test(name)
}

export function releaseKey(id: number, writer: string): string {
  if (!Number.isInteger(id) || id < 1 || id > 999_999_999) throw new Error(`release id out of range: ${id}`)
  if (!/^[a-z0-9]{1,8}$/.test(writer)) throw new Error(`release writer must be 1-8 of [a-z0-9]: ${writer}`)
  return `azdeploy.r.${id}.${writer}`
}

export function settingsSetId(names: readonly string[]): string {
  return createHash('sha256')
    .update([...names].sort().join('\n'))
    .digest('hex')
    .slice(0, 8)
}

export function settingsKey(names: readonly string[]): string {
  return `azdeploy.s.${settingsSetId(names)}`
}

/** `%`, `|`, `,` and control characters as %XX; everything else as is. */
export function escapeField(s: string): string {
  return s.replace(/[%|,\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

export function unescapeField(s: string): string {
  return s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
}

/** Escaped `s`, shortened by whole code points (never splitting a pair or an escape) to at most `max`, marked. */
export function fitField(s: string, max: number, keep: 'head' | 'tail'): string {
  const full = escapeField(s)
  if (full.length <= max) return full
  const cps = [...s]
  const build = (n: number) => {
    const part = keep === 'head' ? cps.slice(0, n).join('') : cps.slice(cps.length - n).join('')
    return keep === 'head' ? escapeField(part) + MARK : MARK + escapeField(part)
  }
  // The longest prefix (or suffix) that fits: lengths grow with n, so search.
  let lo = 0
  let hi = cps.length - 1
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (build(mid).length <= max) lo = mid
    else hi = mid - 1
  }
  const out = build(lo)
  return out.length <= max ? out : ''
}

export function encodeRelease(r: Release): string {
  const d = DIGEST.exec(r.digest)
  if (!d) throw new Error(`release ${r.id}: digest must be sha256:<64 hex>, got ${r.digest}`)
  // Port 0: none was set (App Service probes 80 and 8080).
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535) throw new Error(`release ${r.id}: bad port ${r.port}`)
  if (!/^[0-9a-f]{0,64}$/.test(r.settings.hash))
    throw new Error(`release ${r.id}: settings hash must be lower-case hex`)
  const at = Date.parse(r.createdAt)
  if (Number.isNaN(at) || at < 0) throw new Error(`release ${r.id}: bad createdAt ${r.createdAt}`)
  const head = [
    '1',
    KIND[r.kind] + STATUS[r.status],
    at.toString(36),
    String(r.port),
    d[1],
    r.settings.names.length ? settingsSetId(r.settings.names) : '',
    r.settings.hash,
    fitField(r.source ?? '', 64, 'head'),
    r.restores === undefined ? '' : String(r.restores),
  ].join('|')
  const room = TAG_VALUE_MAX - head.length - 2
  const image = escapeField(r.image)
  const actor = escapeField(r.actor)
  if (image.length + actor.length <= room) return `${head}|${actor}|${image}`
  const actorRoom = Math.min(actor.length, Math.max(16, room - image.length))
  const fittedActor = fitField(r.actor, actorRoom, 'head')
  return `${head}|${fittedActor}|${fitField(r.image, room - fittedActor.length, 'tail')}`
}

export type DecodedRelease = Omit<Release, 'settings'> & {settings: {sid: string; hash: string}}

/** One release value, or the reason it cannot be read. */
export function decodeRelease(id: number, value: string): DecodedRelease | {error: string} {
  const f = value.split('|')
  if (f[0] !== '1') return {error: `unknown format version '${f[0]}'`}
  if (f.length !== 11) return {error: `expected 11 fields, found ${f.length}`}
  const [, ks, at36, port, hex, sid, hash, source, restores, actor, image] = f as [string, ...string[]]
  const kind = KIND_OF[ks![0] ?? '']
  const status = STATUS_OF[ks![1] ?? '']
  if (!kind || !status || ks!.length !== 2) return {error: `unknown kind/status '${ks}'`}
  const at = Number.parseInt(at36!, 36)
  if (!/^[0-9a-z]{1,12}$/.test(at36!) || !Number.isFinite(at)) return {error: `bad time '${at36}'`}
  if (!/^\d{1,5}$/.test(port!)) return {error: `bad port '${port}'`}
  if (!/^[0-9a-f]{64}$/.test(hex!)) return {error: 'bad digest'}
  if (!/^([0-9a-f]{8})?$/.test(sid!) || !/^[0-9a-f]{0,64}$/.test(hash!)) return {error: 'bad settings fields'}
  if (!/^(\d{1,9})?$/.test(restores!)) return {error: `bad restores '${restores}'`}
  const out: DecodedRelease = {
    id,
    image: unescapeField(image!),
    digest: `sha256:${hex}`,
    port: Number(port),
    settings: {sid: sid!, hash: hash!},
    createdAt: new Date(at).toISOString(),
    actor: unescapeField(actor!),
    kind,
    status,
  }
  if (source) out.source = unescapeField(source)
  if (restores) out.restores = Number(restores)
  return out
}

export function encodeSettingsNames(names: readonly string[]): string {
  const sorted = [...names].sort()
  let out = '1|'
  for (let i = 0; i < sorted.length; i++) {
    const next = (i ? ',' : '') + escapeField(sorted[i]!)
    const left = sorted.length - i
    // Room for this name, and if more follow, for the "|+K" marker.
    const tail = left > 1 ? `|+${left - 1}`.length : 0
    if (out.length + next.length + tail > TAG_VALUE_MAX) return `${out}|+${left}`
    out += next
  }
  return out
}

export function decodeSettingsNames(value: string): {names: string[]; omitted: number} | {error: string} {
  const m = /^1\|([^|]*)(?:\|\+(\d+))?$/.exec(value)
  if (!m) return {error: 'not a v1 settings-names value'}
  return {names: m[1] ? m[1].split(',').map(unescapeField) : [], omitted: m[2] ? Number(m[2]) : 0}
}

/** The tags that store this release: its own key and its settings-names key. */
export function releaseTags(r: StoredRelease): Record<string, string> {
  const out: Record<string, string> = {[r.key]: encodeRelease(r)}
  if (r.settings.names.length) out[settingsKey(r.settings.names)] = encodeSettingsNames(r.settings.names)
  return out
}

export interface Unreadable {
  key: string
  reason: string
}

export interface DecodedTags {
  /** Sorted oldest first. `settings.incomplete` when names were omitted for length or their key is missing. */
  releases: Array<StoredRelease & {settings: {incomplete?: true}}>
  /** The settings-names keys present, as written (case kept). */
  settingsKeys: string[]
  /** The raw lock value, when the lock tag is present. */
  lockValue?: string
  /** Tags that are not azdeploy's (the user's own). */
  foreign: number
  /** `azdeploy.*` tags we could not read (a newer version's, or damaged): kept, counted, never deleted. */
  unreadable: Unreadable[]
}

/** Reads every tag of the site; tolerant of foreign and unknown tags. */
export function decodeTags(tags: Readonly<Record<string, string>>): DecodedTags {
  const sets = new Map<string, {names: string[]; omitted: number}>()
  const out: DecodedTags = {releases: [], settingsKeys: [], foreign: 0, unreadable: []}
  const pending: Array<{key: string; d: DecodedRelease}> = []
  for (const [key, value] of Object.entries(tags)) {
    const lower = key.toLowerCase()
    if (!lower.startsWith(PREFIX)) {
      out.foreign++
      continue
    }
    if (lower === LOCK_KEY) {
      out.lockValue = value
      continue
    }
    const s = SET_KEY.exec(key)
    if (s) {
      const names = decodeSettingsNames(value)
      if ('error' in names) out.unreadable.push({key, reason: names.error})
      else sets.set(s[1]!.toLowerCase(), names)
      out.settingsKeys.push(key)
      continue
    }
    const r = RELEASE_KEY.exec(key)
    const d = r ? decodeRelease(Number(r[1]), value) : {error: 'not a key azdeploy writes'}
    if ('error' in d) out.unreadable.push({key, reason: d.error})
    else pending.push({key: key.toLowerCase(), d})
  }
  for (const {key, d} of pending) {
    const set = d.settings.sid ? sets.get(d.settings.sid) : {names: [], omitted: 0}
    const settings: StoredRelease['settings'] & {incomplete?: true} = {names: set?.names ?? [], hash: d.settings.hash}
    if (!set || set.omitted > 0) settings.incomplete = true
    out.releases.push({...d, key, settings})
  }
  out.releases.sort(compareReleases)
  return out
}
