/**
 * Reads ACR manifests and image configs through @azure/container-registry's ContainerRegistryContentClient (the
 * SDK does the Entra → ACR refresh → access token exchange and verifies digests); OciRegistryClient keeps the
 * platform selection and image-config parsing. Used for registries of the subscription, pulled with Entra.
 */
import type {TokenCredential} from '@azure/core-auth'
import {AuthError, InputError, RejectedError} from '../../core/errors.js'
import {formatImageRef, type ImageRef} from '../../core/image-ref.js'
import type {ContentSource} from './oci-registry.js'

const MAX_CONFIG_BYTES = 8 * 1024 * 1024

export function acrContentSource(loginServer: string, credential: TokenCredential, audience: string): ContentSource {
  const clients = new Map<string, Promise<import('@azure/container-registry').ContainerRegistryContentClient>>()
  const client = (repository: string) => {
    let c = clients.get(repository)
    if (!c) {
      c = import('@azure/container-registry').then(
        (m) => new m.ContainerRegistryContentClient(`https://${loginServer}`, repository, credential, {audience}),
      )
      clients.set(repository, c)
    }
    return c
  }
  const fail = (e: unknown, ref: ImageRef): never => {
    const status = (e as {statusCode?: number}).statusCode
    const name = formatImageRef(ref)
    if (status === 404) {
      throw new InputError(
        'IMAGE_NOT_FOUND',
        `Image '${name}' was not found in registry ${loginServer}`,
        'Check the repository name and tag (tags are case-sensitive), and that the image was pushed to this registry',
      )
    }
    if (status === 401 || status === 403) {
      throw new AuthError(
        'REGISTRY_UNAUTHORIZED',
        `Not allowed to read '${name}' from ${loginServer} with your Azure identity`,
        'You need the AcrPull role (or Container Registry Repository Reader) on the registry',
        {cause: e},
      )
    }
    if ((e as Error).name === 'DigestMismatchError') {
      throw new RejectedError(
        'REGISTRY_DIGEST_MISMATCH',
        `Registry ${loginServer} sent content for '${name}' that does not match its digest`,
        'Do not deploy it; try again or check your network',
        {cause: e},
      )
    }
    throw new RejectedError(
      'REGISTRY_ERROR',
      `Reading '${name}' from ${loginServer} failed${status ? ` (HTTP ${status})` : ''}`,
      undefined,
      {cause: e},
    )
  }
  return {
    async manifest(ref, tagOrDigest) {
      try {
        const m = await (await client(ref.repository)).getManifest(tagOrDigest)
        const doc = JSON.parse(m.content.toString('utf8')) as Record<string, unknown>
        const mediaType = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : m.mediaType
        return {digest: m.digest, mediaType, doc}
      } catch (e) {
        return fail(e, ref)
      }
    },
    async blob(ref, digest) {
      try {
        const {content} = await (await client(ref.repository)).downloadBlob(digest)
        const chunks: Buffer[] = []
        let size = 0
        for await (const c of content) {
          const b = Buffer.from(c as Buffer)
          size += b.length
          if (size > MAX_CONFIG_BYTES)
            throw new RejectedError(
              'REGISTRY_RESPONSE_TOO_LARGE',
              `The config blob of '${formatImageRef(ref)}' is over 8 MiB`,
            )
          chunks.push(b)
        }
        return Buffer.concat(chunks)
      } catch (e) {
        if (e instanceof RejectedError) throw e
        return fail(e, ref)
      }
    },
  }
}

/** Stores a manifest (exact bytes, its media type) under a tag with ContainerRegistryContentClient.setManifest. */
export async function acrSetManifest(
  o: {loginServer: string; repository: string; credential: TokenCredential; audience: string},
  tag: string,
  manifest: Buffer,
  mediaType: string,
): Promise<string> {
  const {ContainerRegistryContentClient} = await import('@azure/container-registry')
  const client = new ContainerRegistryContentClient(`https://${o.loginServer}`, o.repository, o.credential, {
    audience: o.audience,
  })
  try {
    return (await client.setManifest(manifest, {mediaType, tag})).digest
  } catch (e) {
    const status = (e as {statusCode?: number}).statusCode
    if (status === 401 || status === 403) {
      const {pushDenied} = await import('./oci-push.js')
      throw pushDenied(o.loginServer, o.repository, `HTTP ${status}`)
    }
    throw new RejectedError(
      'REGISTRY_ERROR',
      `Storing the manifest of ${o.loginServer}/${o.repository}:${tag} failed${status ? ` (HTTP ${status})` : ''}`,
      undefined,
      {cause: e},
    )
  }
}
