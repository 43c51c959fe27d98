/** Deterministic names, so re-runs find what earlier runs created instead of duplicating it. */
import {createHash} from 'node:crypto'

/** A name-based (v5-style, SHA-1) GUID: the same inputs always give the same GUID. */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash('sha1')
    .update(parts.map((p) => p.toLowerCase()).join('|'))
    .digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/** The user-assigned identity azdeploy creates for an app that pulls from ACR. */
export const pullIdentityName = (app: string) => `${app}-acrpull`.slice(0, 128)

export const ACR_PULL_ROLE_ID = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
export const ACR_REPOSITORY_READER_ROLE_NAME = 'Container Registry Repository Reader'

export function resourceGroupOf(id: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]
}
