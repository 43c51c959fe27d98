/**
 * Where a local image's files come from, and the checks that make a hostile layout harmless: a layout directory
 * (every name resolved inside the layout's real path), a tar read in place through its header index, descriptor
 * digests that must be `sha256:<64 lowercase hex>` before they become paths, and blob streams that verify their
 * digest while they are read.
 */
import {createHash} from 'node:crypto'
import {createReadStream, realpathSync, statSync} from 'node:fs'
import {join, sep} from 'node:path'
import {Readable, pipeline as streamPipeline, Transform} from 'node:stream'
import {InputError} from '../../core/errors.js'
import {indexTar, normalizeTarPath, TarFormatError} from './tar-index.js'

export interface Store {
  describe: string
  size(name: string): number | undefined
  open(name: string, start: number, end: number): Readable
}

export interface Descriptor {
  mediaType?: string
  digest: string
  size: number
  platform?: {os?: string; architecture?: string}
  annotations?: Record<string, string>
}

const INVALID_HINT = 'Rebuild or re-export the image (docker save, skopeo copy, buildah push oci:DIR) and try again'

/** A local image that is malformed or hostile: exit 2, naming what is wrong. */
export function invalid(message: string): InputError {
  return new InputError('IMAGE_SOURCE_INVALID', message, INVALID_HINT)
}

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`
/** The only digests a layout may name: a path-free `algorithm:lowercase-hex`. */
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/
export const EMPTY: Record<string, string> = {}

/** Checks a descriptor from a layout document; a digest like `sha256:../../etc/passwd` never becomes a path. */
export function checked(d: unknown, store: Store, where: string): Descriptor {
  const o = (d ?? EMPTY) as Partial<Descriptor>
  if (typeof o.digest !== 'string' || !DIGEST.test(o.digest)) {
    const shown = typeof o.digest === 'string' ? `'${o.digest.slice(0, 80)}'` : 'no digest'
    throw invalid(`${where} in ${store.describe} names ${shown}, not a sha256:<64 hex> digest`)
  }
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) {
    throw invalid(`${where} ${o.digest} in ${store.describe} has an invalid size`)
  }
  return o as Descriptor
}

export const blobPath = (digest: string) => {
  if (!DIGEST.test(digest)) throw invalid(`'${digest.slice(0, 80)}' is not a digest`)
  return `blobs/${digest.replace(':', '/')}`
}

/**
 * `open` of a blob that hashes the bytes as they are read (in order, across ranges and re-reads) and fails the
 * stream before its last byte when they do not match the digest, so a layout whose blob was swapped never uploads
 * under the claimed digest.
 */
export function verifyingOpen(
  store: Store,
  name: string,
  d: {digest: string; size: number},
): (start?: number, end?: number) => Readable {
  const algorithm = d.digest.slice(0, d.digest.indexOf(':'))
  const hasher = createHash(algorithm)
  let hashed = 0
  let verified = false
  let failure: Error | undefined
  return (start = 0, end = d.size) => {
    if (failure) {
      const f = failure
      return new Readable({read: () => undefined, construct: (cb) => cb(f)})
    }
    const src = store.open(name, start, end)
    if (verified) return src
    let pos = start
    const check = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        const from = pos
        pos += chunk.length
        if (!verified && from <= hashed && pos > hashed) {
          hasher.update(chunk.subarray(hashed - from))
          hashed = pos
          if (hashed >= d.size) {
            const got = `${algorithm}:${hasher.digest('hex')}`
            if (got !== d.digest) {
              failure = invalid(`blob ${d.digest} in ${store.describe} does not match its digest (it hashes to ${got})`)
              return cb(failure)
            }
            verified = true
          }
        }
        cb(null, chunk)
      },
    })
    return streamPipeline(src, check, () => undefined)
  }
}

/**
 * Files of a layout directory. Every name resolves (symlinks followed) to a regular file inside the layout's real
 * path; a link that leaves the layout is refused, not read.
 */
export function dirStore(dir: string): Store {
  const describe = `OCI layout ${dir}`
  const root = realpathSync(dir)
  const resolve = (name: string): string | undefined => {
    let real: string
    try {
      real = realpathSync(join(root, name))
    } catch {
      return undefined
    }
    if (!real.startsWith(root + sep)) throw invalid(`${name} in ${describe} is a link that leaves the layout`)
    return real
  }
  return {
    describe,
    size(name) {
      const real = resolve(name)
      if (real === undefined) return undefined
      const st = statSync(real)
      return st.isFile() ? st.size : undefined
    },
    open(name, start, end) {
      const real = resolve(name)
      if (real === undefined) throw invalid(`${describe} has no ${name}`)
      return end <= start ? Readable.from([]) : createReadStream(real, {start, end: end - 1})
    },
  }
}

export async function tarStore(path: string, describe: string): Promise<Store> {
  let index: Awaited<ReturnType<typeof indexTar>>
  try {
    index = await indexTar(path)
  } catch (err) {
    if (!(err instanceof TarFormatError)) throw err
    throw invalid(`${describe} is not a readable tar: ${err.message}`)
  }
  return {
    describe,
    size: (name) => index.get(normalizeTarPath(name))?.size,
    open(name, start, end) {
      const e = index.get(normalizeTarPath(name))
      if (!e) throw invalid(`${describe} has no ${name}`)
      if (end <= start) return Readable.from([])
      return createReadStream(path, {start: e.offset + start, end: e.offset + Math.min(end, e.size) - 1})
    },
  }
}
