/**
 * Wiring of `azdeploy doctor`: the config file (port, image), the clock (today's date for end-of-life checks),
 * and — for --image — the registry client (anonymous, basic auth, or ACR with Entra ID).
 * The analysis itself is services/diagnose.ts over the pure analyzer in doctor/.
 */
import {readConfigFile} from '../adapters/system/config-file.js'
import {InputError} from '../core/errors.js'
import type {ImageInfo} from '../doctor/index.js'
import type {Reporter} from '../output/reporter.js'
import type {RegistryCredentials} from '../ports/index.js'
import type {DiagnoseOutcome} from '../services/diagnose.js'
import type {AzureContext} from './session.js'

export interface DoctorRequest {
  path?: string | undefined
  image?: string | undefined
  port?: string | undefined
  config?: string | undefined
  registryUsername?: string | undefined
  subscription?: string | undefined
  cloud?: string | undefined
}

export interface DoctorContext {
  cwd: string
  env: Record<string, string | undefined>
  signal: AbortSignal
  reporter: Reporter
  /** The clock, as an ISO date; tests set AZDEPLOY_DOCTOR_TODAY instead of depending on the real date. */
  today?: string
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** Today's date: AZDEPLOY_DOCTOR_TODAY (YYYY-MM-DD, for tests and reproducible runs), else the system clock. */
export function doctorToday(env: Record<string, string | undefined>, now: () => Date = () => new Date()): string {
  const v = env['AZDEPLOY_DOCTOR_TODAY']
  if (v === undefined || v === '') return now().toISOString().slice(0, 10)
  if (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))
    throw new InputError('INVALID_DATE', `AZDEPLOY_DOCTOR_TODAY=${v} is not a date`, 'Use YYYY-MM-DD, or unset it')
  return v
}

export async function runDoctor(req: DoctorRequest, c: DoctorContext): Promise<DiagnoseOutcome> {
  const today = c.today ?? doctorToday(c.env)
  const {file} = await readConfigFile(req.config, c.cwd)
  const {validatePort} = await import('../core/validate.js')
  const rawPort = req.port ?? c.env['AZDEPLOY_PORT'] ?? (file.port as number | string | undefined)
  const configuredPort = rawPort !== undefined && rawPort !== '' ? validatePort(rawPort) : undefined
  const imageRef = req.image ?? c.env['AZDEPLOY_IMAGE'] ?? (typeof file.image === 'string' ? file.image : undefined)
  let image: {ref: string; info: ImageInfo} | undefined
  if (imageRef) {
    try {
      image = await c.reporter.stage('Read image config', () => inspect(imageRef, req, file, c))
    } catch (e) {
      // An image named only in the config is a bonus: check the Dockerfile anyway.
      if (req.image) throw e
      c.reporter.warn(
        `Could not read ${imageRef} from its registry (${(e as Error).message}); checking the Dockerfile only`,
      )
    }
  }
  const {diagnose} = await import('../services/diagnose.js')
  return diagnose({
    path: req.path ?? '.',
    cwd: c.cwd,
    explicitPath: req.path !== undefined,
    today,
    ...(image ? {image} : {}),
    ...(configuredPort !== undefined ? {configuredPort} : {}),
  })
}

/** Reads the image config, reaching the registry the way `up` and `push` do (services/registry-access.ts). */
async function inspect(
  ref: string,
  req: DoctorRequest,
  file: {subscription?: unknown; cloud?: unknown},
  c: DoctorContext,
): Promise<{ref: string; info: ImageInfo}> {
  const {parseImageRef, formatImageRef} = await import('../core/image-ref.js')
  const parsed = parseImageRef(ref)
  const [{decideRegistryAccess}, {createImageInspector}, {registryPassword}] = await Promise.all([
    import('../services/registry-access.js'),
    import('./images.js'),
    import('./deploy.js'),
  ])
  const password = await registryPassword(false, c.env)
  if (password) c.reporter.mask(password.reveal())
  const access = await decideRegistryAccess(
    {host: parsed.registry, username: req.registryUsername, password},
    {isAcrStyle: createImageInspector().isAcrStyle},
  )
  let creds: RegistryCredentials = {kind: 'anonymous'}
  let ctx: AzureContext | undefined
  if (access.kind === 'basic') creds = {kind: 'basic', username: access.username, password: access.password}
  else if (access.kind === 'acr') {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
    const {createAzureContext} = await import('./session.js')
    const signedIn = await createAzureContext({
      cloud: req.cloud ?? str(file.cloud),
      subscription: req.subscription ?? str(file.subscription),
      env: c.env,
      secrets: c.reporter,
    })
    ctx = signedIn
    creds = {kind: 'aad', getToken: async () => (await signedIn.credential.getToken(signedIn.cloud.acrScope)).token}
  }
  const inspection = await createImageInspector(ctx).inspect(parsed, creds)
  const {imageInfoFrom} = await import('../services/diagnose.js')
  return {ref: formatImageRef(parsed), info: imageInfoFrom(inspection)}
}
