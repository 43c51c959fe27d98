/** Who is signed in, to which subscription and cloud: what every Azure adapter is built from. */
import type {CloudInfo} from '../core/cloud.js'

/** The shape of @azure/core-auth's TokenCredential (kept here so ports import nothing from @azure/*). */
export interface TokenSource {
  getToken(
    scopes: string | string[],
    options?: {abortSignal?: AbortSignal | undefined; tenantId?: string | undefined},
  ): Promise<{token: string; expiresOnTimestamp: number} | null>
}

export type SubscriptionSource = 'flag' | 'env' | 'azure-cli' | 'only-visible'

export interface AzureContext<C extends TokenSource = TokenSource> {
  credential: C
  subscriptionId: string
  tenantId?: string
  subscriptionName?: string
  cloud: CloudInfo
  subscriptionSource: SubscriptionSource
}
