/**
 * The environment a child process (docker, git, az) gets: ours without the secrets azdeploy itself reads, so a
 * build step, a credential helper or a crash dump of the child never sees them.
 */
const SECRET_VARIABLES = [
  'AZDEPLOY_REGISTRY_PASSWORD',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
]

export function childEnv(env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const out = {...env}
  for (const k of SECRET_VARIABLES) delete out[k]
  return out
}
