/** Azure Container Registries of the subscription (management plane). */
import type {Secret} from '../core/secret.js'

export interface RegistryInfo {
  id: string
  name: string
  resourceGroup: string
  loginServer: string
  roleAssignmentMode: 'AbacRepositoryPermissions' | 'LegacyRegistryPermissions' | string
  adminUserEnabled: boolean
}

export interface RegistryLookupPort {
  /** The ACR in the subscription whose login server is `loginServer`, or null. */
  findRegistry(loginServer: string): Promise<RegistryInfo | null>
  adminCredentials(registry: RegistryInfo): Promise<{username: string; password: Secret}>
}
