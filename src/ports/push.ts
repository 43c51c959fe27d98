/** Taking an image from the machine (docker build/save, a local OCI layout or archive) to a registry. */
import type {GitState} from '../core/image-tag.js'
import type {BuildSpec} from './docker.js'
import type {RegistryCredentials} from './images.js'

export interface ImageBuilderPort {
  /** `docker build --platform linux/amd64`, lines of its output as they come. */
  build(spec: BuildSpec, o: {onLine?: (line: string) => void; signal?: AbortSignal}): Promise<void>
  /** `docker save` to a temporary archive; `cleanup` removes it. */
  save(image: string, o: {signal?: AbortSignal}): Promise<{path: string; cleanup(): void}>
  /** The commit and dirtiness of the repository at `dir` (for the default tag), or undefined outside git. */
  gitState(dir: string): Promise<GitState | undefined>
}

export interface BlobProgress {
  digest: string
  size: number
  /** Bytes the registry has accepted so far. */
  sent: number
  state: 'skipped' | 'mounted' | 'uploading' | 'retrying' | 'done'
}

export interface PushResult {
  digest: string
  pushedBytes: number
  skippedBlobs: number
  uploadedBlobs: number
  mountedBlobs: number
}

export interface PushDestination {
  registry: string
  repository: string
  tag: string
}

export interface PushSettings {
  concurrency: number
  chunkBytes?: number
  signal?: AbortSignal
  /** Stores the manifest another way (ACR: @azure/container-registry); returns the digest the registry computed. */
  putManifest?: (tag: string, manifest: Buffer, mediaType: string) => Promise<string>
  /** Called once the local image is open: the bytes of config and layers to send at most. */
  onOpen?: (totalBytes: number) => void
  onProgress?: (p: BlobProgress) => void
}

export interface ImagePusherPort {
  /** Opens `source` (oci:DIR, oci-archive:PATH, docker-archive:PATH) and pushes it, skipping blobs already there. */
  push(source: string, dest: PushDestination, creds: RegistryCredentials, o: PushSettings): Promise<PushResult>
}
