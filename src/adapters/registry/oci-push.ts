/**
 * Push a local image (oci-layout.ts) with the OCI distribution API through `RegistrySession`: HEAD each blob (skip
 * what the registry has), optional cross-repository mount, otherwise an upload session — one streamed PUT for
 * blobs up to `chunkBytes`, else sequential PATCH chunks with `Content-Range`; a failed chunk is retried from the
 * offset the registry reports (`GET <location>` → `Range: 0-N`), re-reading that file range — then the manifest
 * PUT with its exact bytes, whose `Docker-Content-Digest` must match. Blobs go up in parallel (bounded); nothing is
 * held in memory beyond stream buffers.
 */
import {AuthError, AzdeployError, RejectedError} from '../../core/errors.js'
import {isAcrLoginServer} from '../../core/image-ref.js'
import {abortableSleep, backoffMs, isRetryableStatus} from '../http/retry.js'
import type {LocalBlob, LocalImage} from './oci-layout.js'
import type {HttpResponse, RegistrySession, SessionRequest} from './registry-http.js'

export interface BlobProgress {
  digest: string
  size: number
  /** Bytes the registry has accepted so far. */
  sent: number
  state: 'skipped' | 'mounted' | 'uploading' | 'retrying' | 'done'
}

export interface PushOptions {
  tag: string
  /** Blobs uploaded at once (default 4). */
  concurrency?: number
  /** Blobs above this go up in PATCH chunks of this size (default 16 MiB). */
  chunkBytes?: number
  /** Retries of one chunk after a transient failure (408/429/5xx, connection error; default 3). */
  chunkRetries?: number
  /** First backoff step between chunk retries (default 200 ms, jittered, doubling). */
  retryBaseMs?: number
  /** A repository on the same registry that may hold the blobs (cross-repository mount). */
  from?: string
  onProgress?: (p: BlobProgress) => void
  signal?: AbortSignal
  /** Stores the manifest another way (ACR: @azure/container-registry); returns the digest the registry computed. */
  putManifest?: (tag: string, manifest: Buffer, mediaType: string) => Promise<string>
}

export interface PushResult {
  digest: string
  pushedBytes: number
  skippedBlobs: number
  uploadedBlobs: number
  mountedBlobs: number
}

const MiB = 1024 * 1024

/** The error for a refused push: names the registry, the repository and the role needed. */
export function pushDenied(registry: string, repository: string, detail?: string): AuthError {
  const hint = isAcrLoginServer(registry)
    ? 'For ACR you need the AcrPush role on the registry (Container Registry Repository Writer on ABAC-mode ' +
      'registries); azdeploy signs in with your Azure login, admin credentials are not used'
    : 'Check --registry-username and AZDEPLOY_REGISTRY_PASSWORD (or --registry-password-stdin): they must be ' +
      'allowed to push to this repository'
  const why = detail ? ` (${detail})` : ''
  return new AuthError('REGISTRY_PUSH_DENIED', `Not allowed to push to ${registry}/${repository}${why}`, hint)
}

function registryError(res: HttpResponse): string {
  try {
    const e = JSON.parse(res.body.toString('utf8'))?.errors?.[0]
    if (e?.message) return `: ${e.code ? `${e.code} ` : ''}${e.message}`
  } catch {}
  return ''
}

const retryable = (err: unknown) =>
  err instanceof ChunkFailure || (err instanceof AzdeployError && err.code === 'REGISTRY_UNREACHABLE')

class ChunkFailure extends Error {}

export async function pushImage(
  session: RegistrySession,
  repository: string,
  image: LocalImage,
  opts: PushOptions,
): Promise<PushResult> {
  const chunkBytes = Math.max(opts.chunkBytes ?? 16 * MiB, 64 * 1024)
  const chunkRetries = opts.chunkRetries ?? 3
  const scopes = [`repository:${repository}:pull,push`]
  if (opts.from && opts.from !== repository) scopes.push(`repository:${opts.from}:pull`)
  const out: PushResult = {digest: image.digest, pushedBytes: 0, skippedBlobs: 0, uploadedBlobs: 0, mountedBlobs: 0}
  const where = `${session.registry}/${repository}`
  const progress = (b: LocalBlob, sent: number, state: BlobProgress['state']) =>
    opts.onProgress?.({digest: b.digest, size: b.size, sent, state})
  const checkAbort = () => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted')
  }

  const call = async (r: Omit<SessionRequest, 'scopes'>, ok: number[], what: string): Promise<HttpResponse> => {
    const res = await session.request({...r, scopes, signal: opts.signal})
    if (!ok.includes(res.status)) {
      throw new RejectedError('REGISTRY_PUSH_FAILED', `${where}: ${what} answered ${res.status}${registryError(res)}`)
    }
    return res
  }
  const locationOf = (res: HttpResponse, fallback?: string): string => {
    const loc = res.headers.location ?? fallback
    if (!loc) throw new RejectedError('REGISTRY_PUSH_FAILED', `${where}: upload response without a Location`)
    return new URL(loc, res.url).toString()
  }
  const startUpload = async (b: LocalBlob): Promise<string | undefined> => {
    const mount = opts.from && opts.from !== repository
    const q = mount ? `?mount=${encodeURIComponent(b.digest)}&from=${encodeURIComponent(opts.from ?? '')}` : ''
    const headers = {'content-length': '0'}
    const res = await call(
      {method: 'POST', path: `/v2/${repository}/blobs/uploads/${q}`, headers},
      [201, 202],
      'upload start',
    )
    return res.status === 201 ? undefined : locationOf(res)
  }
  const finish = async (b: LocalBlob, location: string, body?: {start: number; end: number}) => {
    const url = new URL(location)
    url.searchParams.set('digest', b.digest)
    const headers: Record<string, string> = {'content-length': String(body ? body.end - body.start : 0)}
    if (body) headers['content-type'] = 'application/octet-stream'
    const req: Omit<SessionRequest, 'scopes'> = {method: 'PUT', path: url.toString(), headers}
    if (body) req.body = () => b.open(body.start, body.end)
    let res: HttpResponse
    res = await session.request({...req, scopes, signal: opts.signal})
    if (res.status !== 201) {
      const msg = `upload of ${b.digest} answered ${res.status}${registryError(res)}`
      // Only a transient answer is worth resuming; another 4xx (bad digest, too large, ...) is final.
      if (isRetryableStatus(res.status)) throw new ChunkFailure(msg)
      throw new RejectedError('REGISTRY_PUSH_FAILED', `${where}: ${msg}`)
    }
    const got = res.headers['docker-content-digest']
    if (typeof got === 'string' && got !== b.digest) {
      throw new RejectedError('REGISTRY_DIGEST_MISMATCH', `${where}: stored ${b.digest} as ${got}`)
    }
  }
  /** Where the registry's upload session stands: next offset, or undefined when the session is gone. */
  const status = async (location: string): Promise<{offset: number; location: string} | undefined> => {
    const res = await session.request({method: 'GET', path: location, scopes, signal: opts.signal})
    if (res.status === 404) return undefined
    if (res.status !== 204 && res.status !== 202) throw new ChunkFailure(`upload status answered ${res.status}`)
    const m = /^0-(\d+)$/.exec(String(res.headers.range ?? ''))
    const last = m ? Number(m[1]) : 0
    // distribution answers 0-0 both for 0 and 1 accepted bytes: resending from 0 is the safe reading.
    return {offset: last > 0 ? last + 1 : 0, location: locationOf(res, location)}
  }

  const upload = async (b: LocalBlob): Promise<void> => {
    checkAbort()
    const head = await call({method: 'HEAD', path: `/v2/${repository}/blobs/${b.digest}`}, [200, 404], 'blob check')
    if (head.status === 200) {
      out.skippedBlobs++
      progress(b, b.size, 'skipped')
      return
    }
    const started = await startUpload(b)
    if (started === undefined) {
      out.mountedBlobs++
      progress(b, b.size, 'mounted')
      return
    }
    let location: string = started
    let offset = 0
    let failures = 0
    progress(b, 0, 'uploading')
    for (;;) {
      checkAbort()
      try {
        if (offset === 0 && b.size <= chunkBytes) {
          await finish(b, location, {start: 0, end: b.size})
          break
        }
        if (offset >= b.size) {
          await finish(b, location)
          break
        }
        const end = Math.min(offset + chunkBytes, b.size)
        const headers = {
          'content-type': 'application/octet-stream',
          'content-length': String(end - offset),
          'content-range': `${offset}-${end - 1}`,
        }
        const start = offset
        const res = await session.request({
          method: 'PATCH',
          path: location,
          scopes,
          headers,
          body: () => b.open(start, end),
          signal: opts.signal,
        })
        if (res.status !== 202) {
          const msg = `chunk ${start}-${end - 1} answered ${res.status}${registryError(res)}`
          // 416: the registry holds a different offset; ask it where to resume. Other 4xx are final.
          if (isRetryableStatus(res.status) || res.status === 416) throw new ChunkFailure(msg)
          throw new RejectedError('REGISTRY_PUSH_FAILED', `${where}: ${msg}`)
        }
        location = locationOf(res, location)
        offset = end
        failures = 0
        progress(b, offset, 'uploading')
      } catch (err) {
        if (!retryable(err) || ++failures > chunkRetries) {
          if (err instanceof ChunkFailure) throw new RejectedError('REGISTRY_PUSH_FAILED', `${where}: ${err.message}`)
          throw err
        }
        progress(b, offset, 'retrying')
        await abortableSleep(backoffMs(failures - 1, {baseDelayMs: opts.retryBaseMs ?? 200}), opts.signal)
        const st: Awaited<ReturnType<typeof status>> = await status(location).catch((e) => {
          if (opts.signal?.aborted) throw e
          return undefined
        })
        if (st) ({offset, location} = st)
        else {
          offset = 0
          location = (await startUpload(b)) ?? location
        }
      }
    }
    out.uploadedBlobs++
    out.pushedBytes += b.size
    progress(b, b.size, 'done')
  }

  try {
    const seen = new Set<string>([image.config.digest])
    const layers = image.layers.filter((l) => !seen.has(l.digest) && seen.add(l.digest))
    await upload(image.config) // also settles authentication once before going parallel
    const queue = [...layers]
    let failed: unknown
    const worker = async () => {
      for (let b = queue.shift(); b && failed === undefined; b = queue.shift()) {
        try {
          await upload(b)
        } catch (err) {
          failed ??= err
        }
      }
    }
    await Promise.all(Array.from({length: Math.max(1, opts.concurrency ?? 4)}, worker))
    if (failed !== undefined) throw failed
    checkAbort()
    let got: unknown
    if (opts.putManifest) {
      got = await opts.putManifest(opts.tag, image.manifest, image.manifestMediaType)
    } else {
      const res = await call(
        {
          method: 'PUT',
          path: `/v2/${repository}/manifests/${opts.tag}`,
          headers: {'content-type': image.manifestMediaType},
          body: image.manifest,
          // The same manifest bytes name the same digest: sending them again after a dropped connection is safe.
          replayable: true,
        },
        [201, 200],
        'manifest upload',
      )
      got = res.headers['docker-content-digest']
    }
    if (typeof got === 'string' && got !== image.digest) {
      throw new RejectedError(
        'REGISTRY_DIGEST_MISMATCH',
        `${where}: manifest stored as ${got}, expected ${image.digest}`,
      )
    }
    return out
  } catch (err) {
    if (err instanceof AuthError && err.code === 'REGISTRY_UNAUTHORIZED') {
      throw pushDenied(session.registry, repository, err.message.replace(/^Registry \S+ refused access: /, ''))
    }
    throw err
  }
}
