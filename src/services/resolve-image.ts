/**
 * Decides how the app will pull the image (anonymous, managed identity for an ACR in the subscription, or
 * registry credentials) and inspects the image in its registry before anything is written: digest, platform,
 * exposed port, size.
 */
import type {DeployConfig} from '../core/config.js'
import {InputError} from '../core/errors.js'
import {formatImageRef, type ImageRef, parseImageRef, pinnedRef} from '../core/image-ref.js'
import type {RegistryAccess} from '../core/model.js'
import {pullIdentityName} from '../core/names.js'
import type {Secret} from '../core/secret.js'
import type {
  ImageInspection,
  ImageInspector,
  RegistryCredentials,
  RegistryInfo,
  RegistryLookupPort,
} from '../ports/index.js'
import {decideRegistryAccess} from './registry-access.js'

const SIZE_WARNING_BYTES = 1024 ** 3

export interface ResolvedImage {
  ref: ImageRef
  inspection: ImageInspection
  pinned: string
  display: string
  port?: number
  registry: RegistryAccess
  registryInfo?: RegistryInfo
  notices: string[]
  /** Worth a warning, not an error: e.g. an explicit port that overrides the image's EXPOSE. */
  warnings: string[]
}

export interface ResolveImagePorts {
  registries: RegistryLookupPort
  images: ImageInspector
  /** An Entra token for the registry audience (ACR token exchange). */
  acrToken: () => Promise<string>
}

export async function resolveImage(
  cfg: DeployConfig,
  registryPassword: Secret | undefined,
  ports: ResolveImagePorts,
): Promise<ResolvedImage> {
  if (!cfg.image) {
    throw new InputError(
      'IMAGE_REQUIRED',
      'No image given',
      'Pass --image REGISTRY/REPOSITORY:TAG, or set image in azdeploy.yml',
    )
  }
  const ref = parseImageRef(cfg.image)
  const notices: string[] = []
  let registry: RegistryAccess = {mode: 'anonymous'}
  let creds: RegistryCredentials = {kind: 'anonymous'}
  let info: RegistryInfo | undefined

  const access = await decideRegistryAccess(
    {host: ref.registry, username: cfg.registryUsername, password: registryPassword},
    {isAcrStyle: (h) => ports.images.isAcrStyle(h), findByLoginServer: (h) => ports.registries.findRegistry(h)},
  )
  if (access.kind === 'basic') {
    creds = {kind: 'basic', username: access.username, password: access.password}
    registry = {
      mode: 'credentials',
      serverUrl: `https://${ref.registry === 'docker.io' ? 'index.docker.io' : ref.registry}`,
      username: access.username,
      password: access.password,
    }
  } else if (access.kind === 'acr' && access.info) {
    info = access.info
    if (cfg.registryUsername)
      notices.push(`--registry-username is not used: ${info.loginServer} is an ACR of this subscription`)
    creds = {kind: 'aad', getToken: ports.acrToken}
    if (cfg.registryAuth === 'admin') {
      const admin = await ports.registries.adminCredentials(info)
      registry = {
        mode: 'credentials',
        serverUrl: `https://${info.loginServer}`,
        username: admin.username,
        password: admin.password,
      }
      notices.push(
        'pulling with the registry admin user (--registry-auth admin); managed identity is the safer default',
      )
    } else {
      registry = {
        mode: 'managed-identity',
        registryId: info.id,
        loginServer: info.loginServer,
        identityName: pullIdentityName(cfg.app),
        roleModeAbac: info.roleAssignmentMode === 'AbacRepositoryPermissions',
      }
    }
  }

  const inspection = await ports.images.inspect(ref, creds)
  if (!inspection.amd64Digest) {
    throw new InputError(
      'NO_AMD64_IMAGE',
      `Image ${formatImageRef(ref)} has no linux/amd64 variant (it has ${inspection.platforms.join(', ') || 'no platform'}); App Service runs linux/amd64`,
      'Build it with `docker buildx build --platform linux/amd64 …` and push again',
    )
  }
  let port = cfg.port
  const warnings: string[] = []
  if (port !== undefined && inspection.exposedPorts.length > 0 && !inspection.exposedPorts.includes(port)) {
    warnings.push(explicitPortWins(port, inspection.exposedPorts))
  }
  if (port === undefined) {
    if (inspection.exposedPorts.length === 1) {
      port = inspection.exposedPorts[0]
      notices.push(`port ${port} taken from the image's EXPOSE`)
    } else if (inspection.exposedPorts.length > 1) {
      throw new InputError(
        'PORT_AMBIGUOUS',
        `Image ${formatImageRef(ref)} exposes several ports (${inspection.exposedPorts.join(', ')}); App Service routes to one`,
        `Pass --port with the HTTP port, e.g. --port ${inspection.exposedPorts[0]}`,
      )
    } else {
      notices.push(
        'the image exposes no port and none was given: App Service will probe ports 80 and 8080 (pass --port to be explicit)',
      )
    }
  }
  if (inspection.sizeBytes > SIZE_WARNING_BYTES) {
    notices.push(
      `the image is ${(inspection.sizeBytes / 1024 ** 3).toFixed(1)} GB: a cold start may approach App Service's 230 s limit`,
    )
  }
  const resolved: ResolvedImage = {
    ref,
    inspection,
    pinned: pinnedRef(ref, inspection.digest),
    display: formatImageRef({...ref, digest: undefined} as ImageRef),
    registry,
    notices,
    warnings,
  }
  if (port !== undefined) resolved.port = port
  if (info) resolved.registryInfo = info
  return resolved
}

/** The warning when an explicit port (--port, AZDEPLOY_PORT, azdeploy.yml) differs from the image's EXPOSE. */
export function explicitPortWins(port: number, exposed: readonly number[]): string {
  return `--port ${port} wins over the image's EXPOSE ${exposed.join(', ')}: WEBSITES_PORT is ${port}, the app must listen there`
}

/** What a dry run of `up` without --image plans with: the image it would build and push, not built. */
export interface UnbuiltImage {
  image: string
  /** False: the ACR does not exist yet (`up` would create it, with consent). */
  registryExists: boolean
  /** E.g. an explicit --port against the Dockerfile's EXPOSE. */
  warnings?: string[]
}

/** The digest shown for an image a dry run did not build. */
export const UNBUILT_DIGEST = 'not built (dry run)'

/**
 * The plan's image for a dry run without --image: pulled from the ACR with the managed identity (as the real run
 * would), its digest unknown (so the image always counts as changed), its port only when configured.
 */
export async function unbuiltImage(
  cfg: DeployConfig,
  u: UnbuiltImage,
  subscriptionId: string,
  registries: RegistryLookupPort,
): Promise<ResolvedImage> {
  const ref = parseImageRef(u.image)
  const info = u.registryExists ? await registries.findRegistry(ref.registry) : null
  const name = ref.registry.split('.')[0] ?? ref.registry
  const notices = [`the image is not built in a dry run: ${u.image} is what \`up\` would build and push`]
  if (!info) notices.push(`registry ${name} does not exist: \`up\` would create it (Basic SKU, with consent)`)
  if (cfg.port === undefined) notices.push("port: the built image's EXPOSE (not known before the build)")
  const registryId =
    info?.id ??
    `/subscriptions/${subscriptionId}/resourceGroups/${cfg.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`
  const resolved: ResolvedImage = {
    ref,
    inspection: {
      reference: u.image,
      digest: UNBUILT_DIGEST,
      mediaType: '',
      platforms: ['linux/amd64'],
      exposedPorts: [],
      sizeBytes: 0,
      config: {},
    },
    pinned: `${u.image} (built at deploy)`,
    display: u.image,
    registry: {
      mode: 'managed-identity',
      registryId,
      loginServer: info?.loginServer ?? ref.registry,
      identityName: pullIdentityName(cfg.app),
      roleModeAbac: info?.roleAssignmentMode === 'AbacRepositoryPermissions',
    },
    notices,
    warnings: u.warnings ?? [],
  }
  if (cfg.port !== undefined) resolved.port = cfg.port
  if (info) resolved.registryInfo = info
  return resolved
}
