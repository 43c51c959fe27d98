/**
 * Reading images from registries. One decision for every command: an ACR reached with the Azure identity is read
 * through @azure/container-registry; any other registry (and ACR with basic credentials) through the OCI client.
 */
import type {ImageRef} from '../core/image-ref.js'
import type {AzureContext, ImageInspector} from '../ports/index.js'

const USER_AGENT = 'azdeploy/0.1.0'

export function createImageInspector(ctx?: AzureContext, signal?: AbortSignal): ImageInspector {
  return {
    async inspect(ref, creds) {
      const {OciRegistryClient} = await import('../adapters/registry/oci-registry.js')
      const source =
        creds.kind === 'aad' && ctx
          ? (await import('../adapters/registry/acr-content.js')).acrContentSource(
              ref.registry,
              ctx.credential,
              ctx.cloud.acrAudience,
            )
          : undefined
      const opts = {userAgent: USER_AGENT, ...(signal ? {signal} : {}), ...(source ? {source} : {})}
      return new OciRegistryClient(ref.registry, creds, opts).inspect(ref as ImageRef)
    },
    async isAcrStyle(registry) {
      const {isAcrStyleRegistry} = await import('../adapters/registry/oci-registry.js')
      return isAcrStyleRegistry(registry, {userAgent: USER_AGENT, ...(signal ? {signal} : {})})
    },
  }
}
