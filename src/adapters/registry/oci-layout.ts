/**
 * Local images as push sources, all read lazily (only small JSON documents are held in memory; layers are opened
 * as file-range streams when uploaded):
 * - `oci:DIR[:REF]`: an OCI image layout directory (`index.json` → manifest, or an index from which linux/amd64 is
 *   picked; REF matches the `org.opencontainers.image.ref.name` annotation);
 * - `oci-archive:PATH[:REF]`: a tar of such a layout, read in place through a header index (tar-index.ts);
 * - `docker-archive:PATH`: `docker save` output. Docker ≥ 25 writes an OCI layout inside (read as above). The older
 *   format (`manifest.json` + config + uncompressed layer tars) is turned into an OCI manifest whose layers keep
 *   their uncompressed bytes with media type `application/vnd.oci.image.layer.v1.tar` (digests computed by one
 *   streaming pass): no recompression, so retries can re-read any byte range; the registry stores them larger.
 */
import {createHash} from 'node:crypto'
import {existsSync, statSync} from 'node:fs'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {shown, shownPath} from '../../core/display.js'
import {InputError} from '../../core/errors.js'
import {
  blobPath,
  checked,
  type Descriptor,
  dirStore,
  EMPTY,
  invalid,
  type Store,
  sha256,
  tarStore,
  verifyingOpen,
} from './layout-store.js'

export interface LocalBlob {
  digest: string
  size: number
  mediaType: string
  /** Bytes [start, end) of the blob (default: all of it), streamed from disk. */
  open(start?: number, end?: number): Readable
}

export interface LocalImage {
  /** The exact manifest bytes to PUT. */
  manifest: Buffer
  manifestMediaType: string
  /** sha256 of `manifest`. */
  digest: string
  config: LocalBlob
  layers: LocalBlob[]
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const MAX_JSON = 4 * 1024 * 1024

async function readAll(store: Store, name: string): Promise<Buffer> {
  const size = store.size(name)
  if (size === undefined) throw invalid(`${store.describe} has no ${name}`)
  if (size > MAX_JSON) throw invalid(`${name} in ${store.describe} is too large`)
  const chunks: Buffer[] = []
  for await (const c of store.open(name, 0, size)) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

function parseJson(bytes: Buffer, what: string, store: Store): Record<string, unknown> {
  try {
    const v = JSON.parse(bytes.toString('utf8'))
    if (v && typeof v === 'object' && !Array.isArray(v)) return v
  } catch {}
  throw invalid(`${what} in ${store.describe} is not a JSON object`)
}

function blob(store: Store, raw: unknown, fallbackType: string): LocalBlob {
  const d = checked(raw, store, fallbackType.includes('config') ? 'the config' : 'a layer')
  const name = blobPath(d.digest)
  const size = store.size(name)
  if (size === undefined) {
    throw invalid(`${store.describe} lacks blob ${d.digest} (${fallbackType})`)
  }
  if (size !== d.size) {
    throw invalid(`blob ${d.digest} in ${store.describe} has ${size} bytes, not ${d.size}`)
  }
  if (size === 0 && d.digest !== sha256(Buffer.alloc(0))) {
    throw invalid(`blob ${d.digest} in ${store.describe} is empty, which does not match its digest`)
  }
  return {
    digest: d.digest,
    size,
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : fallbackType,
    open: verifyingOpen(store, name, d),
  }
}

async function readBlobJson(store: Store, raw: Descriptor): Promise<{bytes: Buffer; doc: Record<string, unknown>}> {
  const d = checked(raw, store, 'a manifest')
  const bytes = await readAll(store, blobPath(d.digest))
  const algorithm = d.digest.slice(0, d.digest.indexOf(':'))
  if (`${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` !== d.digest) {
    throw invalid(`blob ${d.digest} in ${store.describe} does not match its digest`)
  }
  return {bytes, doc: parseJson(bytes, d.digest, store)}
}

const descriptors = (doc: Record<string, unknown>) =>
  (Array.isArray(doc['manifests']) ? doc['manifests'] : []).map((d) => (d ?? EMPTY) as Descriptor)
const isIndex = (d: Descriptor) => d.mediaType === OCI_INDEX || d.mediaType === DOCKER_LIST

/** Picks the linux/amd64 image manifest from an OCI layout (optionally the one tagged `ref`). */
async function fromLayout(store: Store, ref: string | undefined): Promise<LocalImage> {
  const top = parseJson(await readAll(store, 'index.json'), 'index.json', store)
  let candidates = descriptors(top)
  if (ref !== undefined) {
    candidates = candidates.filter((d) => d.annotations?.['org.opencontainers.image.ref.name'] === ref)
    if (candidates.length === 0)
      throw new InputError('IMAGE_NOT_FOUND', `No image tagged '${shown(ref)}' in ${store.describe}`)
  }
  const manifests: Descriptor[] = []
  for (let depth = 0; candidates.length > 0 && depth < 4; depth++) {
    const next: Descriptor[] = []
    for (const d of candidates) {
      if (isIndex(d)) next.push(...descriptors((await readBlobJson(store, d)).doc))
      else if (d.platform?.os !== 'unknown') manifests.push(d)
    }
    candidates = next
  }
  const amd64 = manifests.filter((d) => d.platform?.os === 'linux' && d.platform.architecture === 'amd64')
  const pick = amd64[0] ?? (manifests.length === 1 ? manifests[0] : undefined)
  if (!pick) {
    const why = manifests.length === 0 ? 'no image manifest' : 'several images and none is marked linux/amd64'
    throw new InputError('IMAGE_NOT_FOUND', `${store.describe} has ${why}`, 'Name one with oci:DIR:REF')
  }
  const {bytes, doc} = await readBlobJson(store, pick)
  const mediaType = (doc['mediaType'] as string | undefined) ?? pick.mediaType ?? OCI_MANIFEST
  if (mediaType !== OCI_MANIFEST && mediaType !== DOCKER_MANIFEST) {
    throw invalid(`${pick.digest} in ${store.describe} is a ${mediaType}`)
  }
  const config = doc['config'] as Descriptor | undefined
  if (!config?.digest) throw invalid(`manifest ${pick.digest} has no config`)
  const layers = (Array.isArray(doc['layers']) ? doc['layers'] : []) as Descriptor[]
  return {
    manifest: bytes,
    manifestMediaType: mediaType,
    digest: pick.digest,
    config: blob(store, config, 'application/vnd.oci.image.config.v1+json'),
    layers: layers.map((l: unknown) => blob(store, l, 'application/vnd.oci.image.layer.v1.tar+gzip')),
  }
}

/** Pre-OCI `docker save`: manifest.json + config + uncompressed layer tars → an OCI manifest (see header). */
async function fromDockerManifest(store: Store, ref: string | undefined): Promise<LocalImage> {
  let list: unknown
  try {
    list = JSON.parse((await readAll(store, 'manifest.json')).toString('utf8'))
  } catch {
    throw invalid(`manifest.json in ${store.describe} is not JSON`)
  }
  const entries = (Array.isArray(list) ? list : []) as Array<{Config?: unknown; RepoTags?: unknown; Layers?: unknown}>
  const found = ref ? entries.find((m) => Array.isArray(m?.RepoTags) && m.RepoTags.includes(ref)) : entries[0]
  if (!found) throw new InputError('IMAGE_NOT_FOUND', `No image ${ref ?? ''} in ${store.describe}`.replace('  ', ' '))
  const layerNames = Array.isArray(found.Layers) ? found.Layers : undefined
  if (typeof found.Config !== 'string' || !layerNames?.every((l): l is string => typeof l === 'string')) {
    throw invalid(`manifest.json in ${store.describe} does not name a config and layers`)
  }
  const entry = {Config: found.Config, Layers: layerNames as string[]}
  const configBytes = await readAll(store, entry.Config)
  const named = (name: string, size: number, digest: string, mediaType: string): LocalBlob => ({
    digest,
    size,
    mediaType,
    open: (start = 0, end = size) => store.open(name, start, end),
  })
  const layers: LocalBlob[] = []
  for (const name of entry.Layers) {
    const size = store.size(name)
    if (size === undefined) throw invalid(`${store.describe} lacks ${name}`)
    const hash = createHash('sha256')
    await pipeline(store.open(name, 0, size), hash)
    layers.push(named(name, size, `sha256:${hash.digest('hex')}`, 'application/vnd.oci.image.layer.v1.tar'))
  }
  const config = named(
    entry.Config,
    configBytes.length,
    sha256(configBytes),
    'application/vnd.oci.image.config.v1+json',
  )
  const desc = (b: LocalBlob) => ({mediaType: b.mediaType, digest: b.digest, size: b.size})
  const manifest = Buffer.from(
    JSON.stringify({schemaVersion: 2, mediaType: OCI_MANIFEST, config: desc(config), layers: layers.map(desc)}),
  )
  return {manifest, manifestMediaType: OCI_MANIFEST, digest: sha256(manifest), config, layers}
}

/** Splits `PATH[:REF]`: the whole string when it names an existing path, else at the last ':'. */
function splitRef(spec: string): {path: string; ref?: string} {
  if (existsSync(spec)) return {path: spec}
  const i = spec.lastIndexOf(':')
  if (i > 0 && !spec.slice(i + 1).includes('/')) return {path: spec.slice(0, i), ref: spec.slice(i + 1)}
  return {path: spec}
}

/** Opens `oci:DIR[:REF]`, `oci-archive:PATH[:REF]` or `docker-archive:PATH[:NAME:TAG]`. */
export async function openLocalImage(source: string): Promise<LocalImage> {
  const m = /^(oci|oci-archive|docker-archive):(.+)$/.exec(source)
  if (!m) {
    throw new InputError(
      'INVALID_FROM',
      `--from must be oci:DIR, oci-archive:PATH or docker-archive:PATH, not '${shown(source)}'`,
      'e.g. --from oci:./build/image or --from oci-archive:image.tar',
    )
  }
  const kind = m[1] as string
  const spec = m[2] as string
  const {path, ref} = kind === 'docker-archive' && existsSync(spec) ? {path: spec} : splitRef(spec)
  if (!existsSync(path))
    throw new InputError('IMAGE_NOT_FOUND', `${shownPath(path)} does not exist (from --from ${shown(source)})`)
  if (kind === 'oci') {
    if (!statSync(path).isDirectory()) throw new InputError('INVALID_FROM', `${shownPath(path)} is not a directory`)
    return fromLayout(dirStore(path), ref)
  }
  const store = await tarStore(path, `${kind === 'oci-archive' ? 'OCI archive' : 'docker archive'} ${path}`)
  if (store.size('index.json') !== undefined && store.size('oci-layout') !== undefined) return fromLayout(store, ref)
  if (kind === 'docker-archive' && store.size('manifest.json') !== undefined) return fromDockerManifest(store, ref)
  throw invalid(`${store.describe} holds neither an OCI layout nor a docker save image`)
}

/** Reads a whole local blob (small ones only: configs). */
export async function readLocalBlob(b: LocalBlob): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of b.open()) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
