/**
 * Read side of the OCI distribution API: resolve a tag to its digest, pick linux/amd64 from an index, read the
 * image config. Requests go through `RegistrySession` (registry-http.ts), the core a later push client (blob HEAD,
 * upload, cross-repo mount, manifest PUT with `repository:<name>:pull,push` scopes) is meant to share.
 */
import {InputError, RejectedError} from '../../core/errors.js'
import {formatImageRef, type ImageRef} from '../../core/image-ref.js'
import type {ImageInspection, RegistryCredentials} from '../../ports/index.js'
import {digestOf, type HttpResponse, type RegistryClientOptions, RegistrySession} from './registry-http.js'

/** What `inspect` returns (the type lives with the port it serves). */
export type {ImageInspection, RegistryCredentials} from '../../ports/index.js'
export type {RegistryClientOptions} from './registry-http.js'

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const
const ACCEPT = Object.values(MEDIA_TYPES).join(', ')
const INDEX_TYPES: string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]
const MANIFEST_TYPES: string[] = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]

interface Descriptor {
  mediaType?: string
  digest: string
  size: number
  platform?: {os?: string; architecture?: string; variant?: string}
}
type Platform = NonNullable<Descriptor['platform']>

const platformName = (p: Platform) => [p.os, p.architecture, p.variant].filter(Boolean).join('/')
const isAmd64 = (p: Platform | undefined) => p?.os === 'linux' && p.architecture === 'amd64'

/** Where manifests and blobs are read from: the registry's HTTP API (default) or an SDK (ACR, acr-content.ts). */
export interface ContentSource {
  manifest(
    ref: ImageRef,
    tagOrDigest: string,
  ): Promise<{digest: string; mediaType: string; doc: Record<string, unknown>}>
  blob(ref: ImageRef, digest: string): Promise<Buffer>
}

export class OciRegistryClient {
  readonly session: RegistrySession
  readonly #source: ContentSource | undefined

  constructor(registry: string, creds: RegistryCredentials, opts?: RegistryClientOptions & {source?: ContentSource}) {
    this.session = new RegistrySession(registry, creds, opts)
    this.#source = opts?.source
  }

  async inspect(ref: ImageRef): Promise<ImageInspection> {
    if (ref.registry !== this.session.registry) {
      throw new Error(`OciRegistryClient for ${this.session.registry} asked about ${formatImageRef(ref)}`)
    }
    const reference = formatImageRef(ref)
    const top = await this.#readManifest(ref, ref.digest ?? ref.tag ?? 'latest')
    const out: ImageInspection = {
      reference,
      digest: top.digest,
      mediaType: top.mediaType,
      platforms: [],
      exposedPorts: [],
      sizeBytes: 0,
      config: {},
    }
    let amd64: {digest: string; doc: Record<string, unknown>} | undefined
    if (INDEX_TYPES.includes(top.mediaType)) {
      const entries = (Array.isArray(top.doc['manifests']) ? top.doc['manifests'] : []) as Descriptor[]
      const real = entries.filter((d) => d.platform && d.platform.os !== 'unknown' && d.platform.architecture)
      out.platforms = [...new Set(real.map((d) => platformName(d.platform as Platform)))]
      const pick = real.find(
        (d) => isAmd64(d.platform) && MANIFEST_TYPES.includes(d.mediaType ?? MEDIA_TYPES.ociManifest),
      )
      if (pick) amd64 = await this.#readManifest(ref, pick.digest)
    } else {
      amd64 = top
    }
    if (!amd64) return out
    const manifest = amd64.doc as {config?: Descriptor; layers?: Descriptor[]}
    if (!manifest.config?.digest) throw this.#bad(reference, 'the manifest has no config')
    const cfgBlob = this.#source
      ? await this.#source.blob(ref, manifest.config.digest)
      : await this.#blob(ref, manifest.config.digest)
    const cfg = parseJson(cfgBlob) as ImageConfig | undefined
    if (!cfg) throw this.#bad(reference, 'the image config is not JSON')
    if (amd64 === top) {
      const p = {os: cfg.os, architecture: cfg.architecture, variant: cfg.variant}
      out.platforms = [platformName(p)]
      if (!isAmd64(p)) return out
    }
    out.amd64Digest = amd64.digest
    out.sizeBytes = (manifest.layers ?? []).reduce((n, l) => n + (l.size ?? 0), manifest.config.size ?? 0)
    const c = cfg.config ?? {}
    out.exposedPorts = exposedTcpPorts(c.ExposedPorts)
    if (c.User) out.config.user = c.User
    if (c.Env) out.config.env = c.Env
    if (c.Cmd) out.config.cmd = c.Cmd
    if (c.Entrypoint) out.config.entrypoint = c.Entrypoint
    if (c.WorkingDir) out.config.workingDir = c.WorkingDir
    return out
  }

  async #readManifest(ref: ImageRef, tagOrDigest: string) {
    const m = this.#source ? await this.#source.manifest(ref, tagOrDigest) : await this.#manifest(ref, tagOrDigest)
    if (!INDEX_TYPES.includes(m.mediaType) && !MANIFEST_TYPES.includes(m.mediaType)) {
      throw this.#bad(formatImageRef(ref), `unsupported manifest type '${m.mediaType.slice(0, 100)}'`)
    }
    return m
  }

  async #manifest(ref: ImageRef, tagOrDigest: string, byDigest = tagOrDigest.startsWith('sha256:')) {
    const res = await this.session.request({
      method: 'GET',
      path: `/v2/${ref.repository}/manifests/${tagOrDigest}`,
      scopes: [`repository:${ref.repository}:pull`],
      headers: {accept: ACCEPT},
    })
    this.#check(res, ref)
    const computed = digestOf(res.body)
    const header = res.headers['docker-content-digest']
    if (typeof header === 'string' && header !== '') {
      const algo = header.split(':')[0] ?? ''
      const ours =
        algo === 'sha256' ? computed : ['sha384', 'sha512'].includes(algo) ? digestOf(res.body, algo) : header
      if (ours !== header) throw this.#mismatch(ref, header, 'Docker-Content-Digest')
    }
    if (byDigest && computed !== tagOrDigest) throw this.#mismatch(ref, tagOrDigest, 'the requested digest')
    const doc = parseJson(res.body)
    if (!doc) throw this.#bad(formatImageRef(ref), 'the manifest is not JSON')
    const ct = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
    const mediaType = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : (ct ?? '')
    if (!INDEX_TYPES.includes(mediaType) && !MANIFEST_TYPES.includes(mediaType)) {
      throw this.#bad(formatImageRef(ref), `unsupported manifest type '${mediaType.slice(0, 100)}'`)
    }
    return {digest: byDigest ? tagOrDigest : computed, mediaType, doc}
  }

  async #blob(ref: ImageRef, digest: string): Promise<Buffer> {
    const res = await this.session.request({
      method: 'GET',
      path: `/v2/${ref.repository}/blobs/${digest}`,
      scopes: [`repository:${ref.repository}:pull`],
      maxBytes: 8 * 1024 * 1024,
    })
    this.#check(res, ref)
    if (digest.startsWith('sha256:') && digestOf(res.body) !== digest) throw this.#mismatch(ref, digest, 'a blob')
    return res.body
  }

  #check(res: HttpResponse, ref: ImageRef): void {
    if (res.status >= 200 && res.status < 300) return
    const codes = registryErrors(res.body)
    const name = formatImageRef(ref)
    if (
      res.status === 404 ||
      codes.some((e) => ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN'].includes(e.code))
    ) {
      throw new InputError(
        'IMAGE_NOT_FOUND',
        `Image '${name}' was not found in registry ${this.session.registry}`,
        'Check the repository name and tag (tags are case-sensitive), and that the image was pushed to this registry',
      )
    }
    const detail = codes.map((e) => `${e.code}: ${e.message}`).join('; ')
    throw new RejectedError(
      'REGISTRY_ERROR',
      `Registry ${this.session.registry} answered HTTP ${res.status} for '${name}'${detail ? ` (${detail})` : ''}`,
      res.status >= 500 ? 'The registry is having trouble; try again later' : undefined,
    )
  }

  #mismatch(ref: ImageRef, expected: string, what: string): RejectedError {
    return new RejectedError(
      'REGISTRY_DIGEST_MISMATCH',
      `Registry ${this.session.registry} sent content for '${formatImageRef(ref)}' whose sha256 does not match ${what} (${expected})`,
      'The content was altered in transit or by a proxy; do not deploy it. Try again or check your network',
    )
  }

  #bad(name: string, why: string): RejectedError {
    return new RejectedError('REGISTRY_BAD_MANIFEST', `Image '${name}' cannot be read: ${why}`)
  }
}

interface ImageConfig {
  os?: string
  architecture?: string
  variant?: string
  config?: {
    User?: string
    Env?: string[]
    Cmd?: string[]
    Entrypoint?: string[]
    WorkingDir?: string
    ExposedPorts?: Record<string, unknown>
  }
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body.toString('utf8'))
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined
  } catch {
    return undefined
  }
}

function registryErrors(body: Buffer): {code: string; message: string}[] {
  const errors = parseJson(body)?.['errors']
  if (!Array.isArray(errors)) return []
  return errors.slice(0, 3).map((e) => ({code: String(e?.code ?? ''), message: String(e?.message ?? '').slice(0, 200)}))
}

/** `{'80/tcp': {}, '8080': {}, '53/udp': {}}` → [80, 8080]. */
export function exposedTcpPorts(exposed: Record<string, unknown> | undefined): number[] {
  const ports = new Set<number>()
  for (const key of Object.keys(exposed ?? {})) {
    const [port = '', proto = 'tcp'] = key.split('/')
    const n = Number(port)
    if (proto.toLowerCase() === 'tcp' && Number.isInteger(n) && n > 0 && n < 65536) ports.add(n)
  }
  return [...ports].sort((a, b) => a - b)
}

/**
 * Whether a registry speaks ACR's token protocol: an unauthenticated `GET /v2/` is challenged with
 * `Bearer realm="https://<same host>/oauth2/token"`. Lets azdeploy look up ACRs behind other host names (and
 * skip the ARM registry listing for every other registry). Any failure answers false.
 */
export async function isAcrStyleRegistry(registry: string, opts: RegistryClientOptions = {}): Promise<boolean> {
  const {send} = await import('./registry-http.js')
  const {parseWwwAuthenticate} = await import('./registry-auth.js')
  try {
    const res = await send(
      {method: 'GET', url: new URL(`https://${registry}/v2/`), maxBytes: 64 * 1024, signal: opts.signal},
      {userAgent: opts.userAgent ?? 'azdeploy', timeoutMs: opts.timeoutMs ?? 10_000, ...(opts.ca ? {ca: opts.ca} : {})},
    )
    if (res.status !== 401) return false
    const c = parseWwwAuthenticate(res.headers['www-authenticate'])
    if (c?.scheme !== 'bearer') return false
    const realm = new URL(c.realm)
    return realm.host.toLowerCase() === registry.toLowerCase() && realm.pathname === '/oauth2/token'
  } catch (e) {
    if (opts.signal?.aborted) throw e
    return false
  }
}
