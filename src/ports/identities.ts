/** User-assigned managed identities (the app's pull identity). */
import type {ActualIdentity} from '../core/model.js'

export interface IdentityPort {
  getIdentity(resourceGroup: string, name: string): Promise<ActualIdentity | null>
  createIdentity(
    resourceGroup: string,
    name: string,
    location: string,
    tags: Record<string, string>,
  ): Promise<ActualIdentity>
  deleteIdentity(resourceGroup: string, name: string): Promise<void>
}
