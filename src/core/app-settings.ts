/** The app settings a deploy writes: the actual dictionary merged with what azdeploy manages and the user asks. Pure. */
import type {DesiredState} from './model.js'
import type {Secret} from './secret.js'

/** Settings azdeploy owns; users cannot set them with --env. */
export const MANAGED_SETTINGS = [
  'WEBSITES_PORT',
  'DOCKER_REGISTRY_SERVER_URL',
  'DOCKER_REGISTRY_SERVER_USERNAME',
  'DOCKER_REGISTRY_SERVER_PASSWORD',
] as const
const REGISTRY_SETTINGS = MANAGED_SETTINGS.slice(1)

const reveal = (v: string | Secret) => (typeof v === 'string' ? v : v.reveal())

/** The merged dictionary (the write replaces the whole set), and the names changed and removed (never values). */
export function desiredSettings(
  d: DesiredState,
  actual: Record<string, string>,
): {merged: Record<string, string | Secret>; changed: string[]; removed: string[]} {
  const want: Record<string, string | Secret> = {...d.app.settings}
  if (d.app.port !== undefined) want['WEBSITES_PORT'] = String(d.app.port)
  if (
    actual['WEBSITES_ENABLE_APP_SERVICE_STORAGE'] === undefined &&
    want['WEBSITES_ENABLE_APP_SERVICE_STORAGE'] === undefined
  )
    want['WEBSITES_ENABLE_APP_SERVICE_STORAGE'] = 'false'
  if (d.registry.mode === 'credentials') {
    want['DOCKER_REGISTRY_SERVER_URL'] = d.registry.serverUrl
    want['DOCKER_REGISTRY_SERVER_USERNAME'] = d.registry.username
    want['DOCKER_REGISTRY_SERVER_PASSWORD'] = d.registry.password
  }
  const merged: Record<string, string | Secret> = {...actual}
  const changed: string[] = []
  for (const [k, v] of Object.entries(want)) {
    if (actual[k] !== reveal(v)) changed.push(k)
    merged[k] = v
  }
  const removed: string[] = []
  if (d.registry.mode !== 'credentials') {
    for (const k of REGISTRY_SETTINGS) {
      if (k in merged) {
        delete merged[k]
        removed.push(k)
      }
    }
  }
  return {merged, changed: changed.sort(), removed}
}
