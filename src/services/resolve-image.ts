/**
 * Decides how the app will pull the image (anonymous, managed identity for an ACR in the subscription, or
 * registry credentials) and inspects the image in its registry before anything is written: digest, platform,
 * exposed port, size.
 */
import type {DeployConfig} from '../core/config.js'
import {InputError} from '../core/errors.js'
import {formatImageRef, type ImageRef, isAcrLoginServer, parseImageRef, pinnedRef} from '../core/image-ref.js'
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

const PUBLIC_REGISTRIES = [
  'docker.io',
  'ghcr.io',
  'mcr.microsoft.com',
  'quay.io',
  'gcr.io',
  'registry.k8s.io',
  'public.ecr.aws',
  'registry.gitlab.com',
]
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

  if (cfg.registryUsername) {
    if (!registryPassword) {
      throw new InputError(
        'REGISTRY_PASSWORD_REQUIRED',
        `--registry-username ${cfg.registryUsername} was given without a password`,
        'Set AZDEPLOY_REGISTRY_PASSWORD, or pipe it with --registry-password-stdin (never as a flag value)',
      )
    }
    creds = {kind: 'basic', username: cfg.registryUsername, password: registryPassword}
    registry = {
      mode: 'credentials',
      serverUrl: `https://${ref.registry === 'docker.io' ? 'index.docker.io' : ref.registry}`,
      username: cfg.registryUsername,
      password: registryPassword,
    }
  } else if (
    !PUBLIC_REGISTRIES.includes(ref.registry) &&
    (isAcrLoginServer(ref.registry) || (await ports.images.isAcrStyle(ref.registry)))
  ) {
    // Only registries that are or look like ACR cost an ARM listing of the subscription's registries.
    info = (await ports.registries.findRegistry(ref.registry)) ?? undefined
    if (info) {
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
    } else if (isAcrLoginServer(ref.registry)) {
      throw new InputError(
        'REGISTRY_NOT_IN_SUBSCRIPTION',
        `Registry ${ref.registry} is not an Azure Container Registry visible in this subscription`,
        "Pass --subscription for the registry's subscription, or --registry-username with AZDEPLOY_REGISTRY_PASSWORD (e.g. an ACR token)",
      )
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
  }
  if (port !== undefined) resolved.port = port
  if (info) resolved.registryInfo = info
  return resolved
}
