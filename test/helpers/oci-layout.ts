// Writes OCI image layouts to disk for push tests and the push benchmark: random (incompressible) layers of the
// given sizes, generated and hashed in 1 MiB pieces so a 100 MB layer never sits in memory. `archive()` tars the
// layout with the system tar (entries prefixed ./, as `tar -C dir .` writes them).
import {execFileSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'

export interface LayoutBlob {
  digest: string
  size: number
  mediaType: string
}

export interface WrittenLayout {
  dir: string
  /** Digest of the image manifest (what a registry reports after the push). */
  digest: string
  config: LayoutBlob
  layers: LayoutBlob[]
}

const MiB = 1024 * 1024

function putBlob(dir: string, bytes: Buffer): string {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes)
  return digest
}

function randomBlob(dir: string, size: number): string {
  const tmp = join(dir, 'blobs', 'sha256', `tmp-${randomBytes(6).toString('hex')}`)
  const hash = createHash('sha256')
  const fd = openSync(tmp, 'w')
  try {
    for (let left = size; left > 0; left -= MiB) {
      const piece = randomBytes(Math.min(MiB, left))
      hash.update(piece)
      writeSync(fd, piece)
    }
  } finally {
    closeSync(fd)
  }
  const hex = hash.digest('hex')
  renameSync(tmp, join(dir, 'blobs', 'sha256', hex))
  return `sha256:${hex}`
}

export function writeOciLayout(
  dir: string,
  layerSizes: number[],
  opts: {ref?: string; platform?: boolean} = {},
): WrittenLayout {
  mkdirSync(join(dir, 'blobs', 'sha256'), {recursive: true})
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  const layers: LayoutBlob[] = layerSizes.map((size) => ({
    digest: randomBlob(dir, size),
    size,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  }))
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {Cmd: ['/app'], Env: [`NONCE=${randomBytes(4).toString('hex')}`]},
      rootfs: {type: 'layers', diff_ids: layers.map((l) => l.digest)},
    }),
  )
  const config = {
    digest: putBlob(dir, configBytes),
    size: configBytes.length,
    mediaType: 'application/vnd.oci.image.config.v1+json',
  }
  const manifest = Buffer.from(
    JSON.stringify({schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers}),
  )
  const digest = putBlob(dir, manifest)
  const desc: Record<string, unknown> = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    size: manifest.length,
    annotations: {'org.opencontainers.image.ref.name': opts.ref ?? 'latest'},
  }
  if (opts.platform !== false) desc['platform'] = {os: 'linux', architecture: 'amd64'}
  writeFileSync(join(dir, 'index.json'), JSON.stringify({schemaVersion: 2, manifests: [desc]}))
  return {dir, digest, config, layers}
}

/** `tar -cf out -C dir .` */
export function archive(dir: string, out: string): string {
  execFileSync('tar', ['-cf', out, '-C', dir, '.'])
  return out
}
