/**
 * How a registry is reached, decided once for `up`, `push` and `doctor --image`:
 *   1. `--registry NAME`: that ACR of the subscription (Entra sign-in);
 *   2. a host with an ACR suffix of any cloud, or one answering with ACR's token challenge: Entra sign-in. For `up`
 *      only when the ACR is in the subscription (the app's pull identity needs its resource id); an ACR outside it
 *      takes `--registry-username` (an ACR token), and without one is an error;
 *   3. `--registry-username` with the password from AZDEPLOY_REGISTRY_PASSWORD or stdin: basic credentials;
 *   4. otherwise anonymous.
 */
import {shown} from '../core/display.js'
import {InputError} from '../core/errors.js'
import {isAcrLoginServer} from '../core/image-ref.js'
import type {Secret} from '../core/secret.js'
import type {RegistryInfo} from '../ports/index.js'

/** Registries that are never an ACR: they cost no challenge probe and no ARM listing. */
export const PUBLIC_REGISTRIES = [
  'docker.io',
  'ghcr.io',
  'mcr.microsoft.com',
  'quay.io',
  'gcr.io',
  'registry.k8s.io',
  'public.ecr.aws',
  'registry.gitlab.com',
]

export interface AccessRequest {
  /** The registry host of the image. */
  host: string
  /** `--registry NAME`: an ACR resource name. */
  registryName?: string | undefined
  username?: string | undefined
  password?: Secret | undefined
}

export interface AccessPorts {
  /** True when the host answers with ACR's token challenge. */
  isAcrStyle(host: string): Promise<boolean>
  /** The ACR with this resource name in the subscription (throws REGISTRY_NOT_FOUND). */
  findByName?(name: string): Promise<{loginServer: string}>
  /** The ACR of the subscription with this login server, or null. Without it, any ACR host is signed in to. */
  findByLoginServer?(host: string): Promise<RegistryInfo | null>
}

export type RegistryAccessDecision =
  | {kind: 'acr'; loginServer: string; info?: RegistryInfo; via: 'registry-name' | 'suffix' | 'challenge'}
  | {kind: 'basic'; username: string; password: Secret}
  | {kind: 'anonymous'}

export async function decideRegistryAccess(r: AccessRequest, ports: AccessPorts): Promise<RegistryAccessDecision> {
  const host = r.host.toLowerCase()
  if (r.registryName && ports.findByName) {
    const {loginServer} = await ports.findByName(r.registryName)
    if (loginServer.toLowerCase() !== host) {
      throw new InputError(
        'REGISTRY_MISMATCH',
        `The image's registry ${host} is not ${r.registryName} (${loginServer})`,
        `Drop --registry, or name the image ${loginServer}/REPOSITORY:TAG`,
      )
    }
    const info = ports.findByLoginServer ? await ports.findByLoginServer(loginServer) : null
    return {kind: 'acr', loginServer, ...(info ? {info} : {}), via: 'registry-name'}
  }
  const suffix = isAcrLoginServer(host)
  const acrLike = suffix || (!PUBLIC_REGISTRIES.includes(host) && (await ports.isAcrStyle(host)))
  if (acrLike) {
    // Without a subscription look-up (push), explicit credentials (e.g. an ACR token) still win.
    const lookup = ports.findByLoginServer
    if (!lookup && !r.username) return {kind: 'acr', loginServer: host, via: suffix ? 'suffix' : 'challenge'}
    // Only registries that are or look like ACR cost an ARM listing of the subscription's registries.
    const info = lookup ? await lookup(host) : null
    if (info) return {kind: 'acr', loginServer: info.loginServer, info, via: suffix ? 'suffix' : 'challenge'}
    if (lookup && suffix && !r.username) {
      throw new InputError(
        'REGISTRY_NOT_IN_SUBSCRIPTION',
        `Registry ${host} is not an Azure Container Registry visible in this subscription`,
        "Pass --subscription for the registry's subscription, or --registry-username with AZDEPLOY_REGISTRY_PASSWORD (e.g. an ACR token)",
      )
    }
  }
  if (r.username) {
    if (!r.password) {
      throw new InputError(
        'REGISTRY_PASSWORD_REQUIRED',
        `--registry-username ${shown(r.username)} was given without a password`,
        'Set AZDEPLOY_REGISTRY_PASSWORD, or pipe it with --registry-password-stdin (never as a flag value)',
      )
    }
    return {kind: 'basic', username: r.username, password: r.password}
  }
  return {kind: 'anonymous'}
}
