/** Reading an image from its registry: digest, platforms, exposed ports, config. */
import type {Secret} from '../core/secret.js'

export type RegistryCredentials =
  | {kind: 'anonymous'}
  | {kind: 'basic'; username: string; password: Secret}
  | {kind: 'aad'; getToken: () => Promise<string>; tenantId?: string}

export interface ImageInspection {
  /** The reference as given, in canonical form. */
  reference: string
  /** Digest of what the reference points to (index or manifest). */
  digest: string
  mediaType: string
  /** e.g. ['linux/amd64', 'linux/arm64']; attestation entries (unknown/unknown) are left out. */
  platforms: string[]
  /** Manifest digest of the linux/amd64 variant; undefined when there is none (the caller decides). */
  amd64Digest?: string
  /** TCP ports from the amd64 config's ExposedPorts, sorted; [] without an amd64 variant. */
  exposedPorts: number[]
  /** Config + layers of the amd64 manifest (compressed sizes); 0 without an amd64 variant. */
  sizeBytes: number
  /** From the amd64 config; {} without an amd64 variant. */
  config: {user?: string; env?: string[]; cmd?: string[]; entrypoint?: string[]; workingDir?: string}
}

export interface ImageRefLike {
  registry: string
  repository: string
  tag?: string
  digest?: string
}

export interface ImageInspector {
  inspect(ref: ImageRefLike, creds: RegistryCredentials): Promise<ImageInspection>
  /** True when the registry answers with ACR's token challenge (so it may be an ACR behind another host name). */
  isAcrStyle(registry: string): Promise<boolean>
}
