/**
 * Container image references, following the Docker/OCI reference grammar
 * (distribution/reference): `[REGISTRY[:PORT]/]PATH[:TAG][@DIGEST]`. Pure: no I/O.
 *
 * Normalisation (same as `docker pull`): no registry means `docker.io`; a single-component Docker Hub name gets
 * `library/`; `index.docker.io` is `docker.io`. The registry host is lower-cased (DNS is case-insensitive and ACR
 * login servers are lower-case). Only `sha256` digests are accepted.
 */
import {shown} from './display.js'
import {InputError} from './errors.js'

export interface ImageRef {
  registry: string
  repository: string
  tag?: string
  digest?: string
}

export const DOCKER_HUB = 'docker.io'
const ACR_SUFFIXES = ['.azurecr.io', '.azurecr.cn', '.azurecr.us']
const HINT = 'Use REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST], e.g. myregistry.azurecr.io/api:1.4.2'

const NAME_TOTAL_MAX = 255
const TAG_RE = /^[\w][\w.-]{0,127}$/
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/
// alpha-numeric (separator alpha-numeric)*, separator = `.` | `_` | `__` | `-`+
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/
const IPV6_RE = /^\[[a-fA-F0-9:.]+\]$/

function invalid(input: string, why: string): InputError {
  return new InputError('INVALID_IMAGE', `Image reference '${shown(input)}' is not valid: ${why}`, HINT)
}

function checkDomain(input: string, domain: string): void {
  let host = domain
  let port: string | undefined
  if (domain.startsWith('[')) {
    const end = domain.indexOf(']')
    host = domain.slice(0, end + 1)
    const rest = domain.slice(end + 1)
    if (end < 0 || !IPV6_RE.test(host)) throw invalid(input, `'${shown(domain)}' is not a valid registry address`)
    if (rest !== '') {
      if (!rest.startsWith(':')) throw invalid(input, `'${shown(domain)}' is not a valid registry address`)
      port = rest.slice(1)
    }
  } else {
    const colon = domain.indexOf(':')
    if (colon >= 0) {
      host = domain.slice(0, colon)
      port = domain.slice(colon + 1)
    }
    if (host === '' || !host.split('.').every((c) => DOMAIN_COMPONENT_RE.test(c))) {
      throw invalid(input, `'${shown(domain)}' is not a valid registry host name`)
    }
  }
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0)) {
    throw invalid(input, `'${shown(port)}' is not a valid registry port`)
  }
}

function checkPath(input: string, path: string): void {
  if (path === '') throw invalid(input, 'the repository name is empty')
  for (const component of path.split('/')) {
    if (component === '') throw invalid(input, 'the repository name has an empty path component (check for "//")')
    if (PATH_COMPONENT_RE.test(component)) continue
    if (PATH_COMPONENT_RE.test(component.toLowerCase())) {
      throw invalid(input, `repository names must be lower-case ('${shown(component)}')`)
    }
    throw invalid(
      input,
      `'${shown(component)}' is not a valid repository path component (lower-case letters, digits, and single '.', '_', '__' or '-' runs between them)`,
    )
  }
}

/** Parses and normalises an image reference; throws `InputError('INVALID_IMAGE')` explaining what is wrong. */
export function parseImageRef(input: string): ImageRef {
  if (input.trim() === '') throw invalid(input, 'it is empty')
  if (input !== input.trim() || /\s/.test(input)) throw invalid(input, 'it contains whitespace')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    throw invalid(input, "it starts with a URL scheme; leave out 'https://' or 'docker://'")
  }
  if (input.length > 4096) throw invalid(input, 'it is longer than 4096 characters')

  let rest = input
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (digest.includes('@')) throw invalid(input, "it contains more than one '@'")
    if (!DIGEST_RE.test(digest)) {
      throw invalid(input, `digest '${shown(digest)}' must be 'sha256:' followed by 64 lower-case hex characters`)
    }
  }

  let tag: string | undefined
  const lastColon = rest.lastIndexOf(':')
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1)
    rest = rest.slice(0, lastColon)
    if (!TAG_RE.test(tag)) {
      throw invalid(
        input,
        tag === ''
          ? 'the tag after ":" is empty'
          : `tag '${shown(tag)}' must be 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
      )
    }
  }
  if (rest === '') throw invalid(input, 'the repository name is empty')

  let registry = DOCKER_HUB
  let path = rest
  const slash = rest.indexOf('/')
  const first = slash >= 0 ? rest.slice(0, slash) : ''
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    checkDomain(input, first)
    registry = first.toLowerCase()
    path = rest.slice(slash + 1)
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB
  if (/^[a-f0-9]{64}$/.test(path)) {
    throw invalid(input, 'a 64-character hex string is an image ID, not a repository name; use NAME@sha256:ID')
  }
  checkPath(input, path)
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`
  if (registry.length + 1 + path.length > NAME_TOTAL_MAX) {
    throw invalid(input, `the name (registry and repository) is longer than ${NAME_TOTAL_MAX} characters`)
  }

  const ref: ImageRef = {registry, repository: path}
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

/** Canonical form: `registry/repository[:tag][@digest]`, e.g. `docker.io/library/nginx:1.27`. */
export function formatImageRef(ref: ImageRef): string {
  let out = `${ref.registry}/${ref.repository}`
  if (ref.tag !== undefined) out += `:${ref.tag}`
  if (ref.digest !== undefined) out += `@${ref.digest}`
  return out
}

/**
 * The immutable reference to deploy: `registry/repository@sha256:...` (the tag is dropped).
 * Decision for Docker Hub: the familiar form without a registry (`nginx@sha256:...`, `user/app@sha256:...`),
 * because that is what App Service documents for `linuxFxVersion` (`DOCKER|nginx@sha256:...`) together with
 * `DOCKER_REGISTRY_SERVER_URL=https://index.docker.io`; every other registry keeps its host.
 */
export function pinnedRef(ref: ImageRef, digest: string): string {
  if (!DIGEST_RE.test(digest)) throw new Error(`pinnedRef: not a sha256 digest: ${shown(digest)}`)
  if (ref.registry === DOCKER_HUB) {
    const name = ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository
    return `${name}@${digest}`
  }
  return `${ref.registry}/${ref.repository}@${digest}`
}

/** Host[:port] that serves the distribution API for a registry name (`docker.io` → `registry-1.docker.io`). */
export function registryApiHost(registry: string): string {
  const r = registry.toLowerCase()
  return r === DOCKER_HUB || r === 'index.docker.io' ? 'registry-1.docker.io' : r
}

/** True for Azure Container Registry login servers (public, China and US Government clouds). */
export function isAcrLoginServer(registry: string): boolean {
  const r = registry.toLowerCase()
  return ACR_SUFFIXES.some((s) => r.endsWith(s) && r.length > s.length && /^[a-z0-9-]+$/.test(r.slice(0, -s.length)))
}
