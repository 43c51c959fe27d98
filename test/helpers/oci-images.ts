// Test images built in-process (gzip tar layers with random content, OCI config and manifests, indexes) and pushed
// straight through the distribution API of a loopback registry: no docker needed. The builders are pure so the
// nock tests serve the same bytes.
import {createHash, randomBytes} from 'node:crypto'
import https from 'node:https'
import {gzipSync} from 'node:zlib'

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip'

export interface Blob {
  mediaType: string
  digest: string
  size: number
  bytes: Buffer
}

export interface BuiltImage {
  mediaType: string
  digest: string
  manifest: Buffer
  config: Blob
  layers: Blob[]
  platform: {os: string; architecture: string; variant?: string}
}

export interface BuiltIndex {
  mediaType: string
  digest: string
  manifest: Buffer
}

export interface ImageSpec {
  os?: string
  architecture?: string
  variant?: string
  exposedPorts?: string[]
  user?: string
  env?: string[]
  cmd?: string[]
  entrypoint?: string[]
  workingDir?: string
  layers?: number
}

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

function blob(mediaType: string, bytes: Buffer): Blob {
  return {mediaType, digest: sha256(bytes), size: bytes.length, bytes}
}

/** A minimal valid ustar archive (one regular file per entry, two zero blocks at the end). */
export function tar(files: {name: string; content: Buffer}[]): Buffer {
  const parts: Buffer[] = []
  for (const f of files) {
    const h = Buffer.alloc(512)
    const field = (off: number, len: number, value: string) => h.write(value, off, len, 'ascii')
    field(0, 100, f.name)
    field(100, 8, '0000644\0')
    field(108, 8, '0000000\0')
    field(116, 8, '0000000\0')
    field(124, 12, `${f.content.length.toString(8).padStart(11, '0')}\0`)
    field(136, 12, '00000000000\0')
    field(148, 8, '        ')
    field(156, 1, '0')
    field(257, 6, 'ustar\0')
    field(263, 2, '00')
    let sum = 0
    for (const b of h) sum += b
    field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
    parts.push(h, f.content, Buffer.alloc((512 - (f.content.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

export function buildImage(spec: ImageSpec = {}): BuiltImage {
  const platform = {os: spec.os ?? 'linux', architecture: spec.architecture ?? 'amd64'}
  const layers: Blob[] = []
  const diffIds: string[] = []
  for (let i = 0; i < (spec.layers ?? 1); i++) {
    const raw = tar([{name: `data/layer-${i}.bin`, content: randomBytes(64 + i)}])
    diffIds.push(sha256(raw))
    layers.push(blob(OCI_LAYER, gzipSync(raw)))
  }
  const cfg: Record<string, unknown> = {}
  if (spec.exposedPorts) cfg['ExposedPorts'] = Object.fromEntries(spec.exposedPorts.map((p) => [p, {}]))
  if (spec.user) cfg['User'] = spec.user
  cfg['Env'] = spec.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin']
  if (spec.cmd) cfg['Cmd'] = spec.cmd
  if (spec.entrypoint) cfg['Entrypoint'] = spec.entrypoint
  if (spec.workingDir) cfg['WorkingDir'] = spec.workingDir
  const configDoc = {
    created: '2026-01-01T00:00:00Z',
    ...platform,
    ...(spec.variant ? {variant: spec.variant} : {}),
    config: cfg,
    rootfs: {type: 'layers', diff_ids: diffIds},
  }
  const config = blob(OCI_CONFIG, Buffer.from(JSON.stringify(configDoc)))
  const strip = ({mediaType, digest, size}: Blob) => ({mediaType, digest, size})
  const manifest = Buffer.from(
    JSON.stringify({schemaVersion: 2, mediaType: OCI_MANIFEST, config: strip(config), layers: layers.map(strip)}),
  )
  const full = spec.variant ? {...platform, variant: spec.variant} : platform
  return {mediaType: OCI_MANIFEST, digest: sha256(manifest), manifest, config, layers, platform: full}
}

/** An index over `images`, plus (optionally) a buildx-style attestation entry with platform unknown/unknown. */
export function buildIndex(images: BuiltImage[], opts: {attestation?: boolean} = {}): BuiltIndex {
  const manifests: Record<string, unknown>[] = images.map((i) => ({
    mediaType: i.mediaType,
    digest: i.digest,
    size: i.manifest.length,
    platform: i.platform,
  }))
  if (opts.attestation && images[0]) {
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: images[0].digest,
      size: images[0].manifest.length,
      platform: {os: 'unknown', architecture: 'unknown'},
      annotations: {'vnd.docker.reference.type': 'attestation-manifest'},
    })
  }
  const manifest = Buffer.from(JSON.stringify({schemaVersion: 2, mediaType: OCI_INDEX, manifests}))
  return {mediaType: OCI_INDEX, digest: sha256(manifest), manifest}
}

export interface RegistryTarget {
  /** https://127.0.0.1:PORT */
  url: string
  ca?: string
  auth?: {username: string; password: string}
}

function call(target: RegistryTarget, method: string, url: URL, headers: Record<string, string>, body?: Buffer) {
  if (target.auth) {
    const {username, password} = target.auth
    headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }
  if (body) headers['content-length'] = String(body.length)
  return new Promise<{status: number; location?: string; text: string}>((resolve, reject) => {
    const req = https.request(url, {method, headers, ca: target.ca}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({status: res.statusCode ?? 0, location: res.headers.location, text: Buffer.concat(chunks).toString()}),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

export async function pushBlob(target: RegistryTarget, repo: string, b: Blob): Promise<void> {
  const start = await call(target, 'POST', new URL(`/v2/${repo}/blobs/uploads/`, target.url), {})
  if (start.status !== 202 || !start.location)
    throw new Error(`upload start for ${repo}: ${start.status} ${start.text}`)
  const put = new URL(start.location, target.url)
  put.searchParams.set('digest', b.digest)
  const done = await call(target, 'PUT', put, {'content-type': 'application/octet-stream'}, b.bytes)
  if (done.status !== 201) throw new Error(`blob PUT ${b.digest} to ${repo}: ${done.status} ${done.text}`)
}

export async function pushManifest(
  t: RegistryTarget,
  repo: string,
  ref: string,
  m: {mediaType: string; manifest: Buffer},
) {
  const url = new URL(`/v2/${repo}/manifests/${ref}`, t.url)
  const res = await call(t, 'PUT', url, {'content-type': m.mediaType}, m.manifest)
  if (res.status !== 201) throw new Error(`manifest PUT ${repo}:${ref}: ${res.status} ${res.text}`)
}

/** Pushes layers, config and manifest; tags it when `tag` is given. */
export async function pushImage(target: RegistryTarget, repo: string, tag: string | undefined, image: BuiltImage) {
  for (const b of [...image.layers, image.config]) await pushBlob(target, repo, b)
  await pushManifest(target, repo, tag ?? image.digest, image)
}

export interface SeededImages {
  repo: string
  /** tag `single`: linux/amd64, ports 8080/tcp, 80/tcp, 53/udp */
  single: BuiltImage
  /** tag `multi`: index over amd64 (port 3000) + arm64 (port 4000), with an attestation entry */
  multi: {index: BuiltIndex; amd64: BuiltImage; arm64: BuiltImage}
  /** tag `arm64-only`: a single linux/arm64 manifest */
  arm64Only: BuiltImage
}

/** The standard test set, pushed to `repo` in `target`. */
export async function seedTestImages(target: RegistryTarget, repo = 'team/app'): Promise<SeededImages> {
  const single = buildImage({
    exposedPorts: ['8080/tcp', '80/tcp', '53/udp'],
    user: 'app',
    cmd: ['node', 'server.js'],
    workingDir: '/srv',
    layers: 2,
  })
  await pushImage(target, repo, 'single', single)
  const amd64 = buildImage({exposedPorts: ['3000/tcp'], entrypoint: ['/app']})
  const arm64 = buildImage({architecture: 'arm64', variant: 'v8', exposedPorts: ['4000/tcp']})
  await pushImage(target, repo, undefined, amd64)
  await pushImage(target, repo, undefined, arm64)
  const index = buildIndex([amd64, arm64], {attestation: true})
  await pushManifest(target, repo, 'multi', index)
  const arm64Only = buildImage({architecture: 'arm64', exposedPorts: ['9000']})
  await pushImage(target, repo, 'arm64-only', arm64Only)
  return {repo, single, multi: {index, amd64, arm64}, arm64Only}
}
