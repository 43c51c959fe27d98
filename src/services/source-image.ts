/**
 * `up` without --image: check the Dockerfile with doctor's error-level rules, build it (or take --from), push it
 * to the ACR named by `registry` (created with consent when missing), and hand back the pushed reference.
 */
import type {DeployConfig} from '../core/config.js'
import {InputError} from '../core/errors.js'
import type {Reporter} from '../output/reporter.js'
import {diagnose} from './diagnose.js'
import {gateErrors, stopOnDoctorErrors} from './doctor-gate.js'
import {type PushDeps, push} from './push.js'

export interface SourceImageOptions {
  config: DeployConfig
  force: boolean
  yes: boolean
  from?: string
  dockerfile?: string
  context?: string
  buildArgs?: string[]
  target?: string
  cwd: string
  signal: AbortSignal
  confirm: (question: string) => Promise<boolean>
}

export async function imageFromSource(o: SourceImageOptions, deps: PushDeps, out: Reporter): Promise<string> {
  const config = o.config
  if (!config.registry) {
    throw new InputError(
      'IMAGE_REQUIRED',
      'No image given, and no registry to build and push one to',
      'Pass --image REGISTRY/REPOSITORY:TAG, or --registry ACR_NAME to build ./Dockerfile and push it there',
    )
  }
  if (!o.from) checkDockerfile(o, out)
  const pushed = await push(
    {
      registry: config.registry,
      app: config.app,
      ...(o.from ? {from: o.from} : {}),
      ...(o.dockerfile ? {dockerfile: o.dockerfile} : {}),
      ...(o.context ? {context: o.context} : {}),
      ...(o.buildArgs ? {buildArgs: o.buildArgs} : {}),
      ...(o.target ? {target: o.target} : {}),
      cwd: o.cwd,
      now: new Date(),
      signal: o.signal,
      createRegistry: {
        resourceGroup: config.resourceGroup,
        ...(config.location ? {location: config.location} : {}),
        consent: () => o.confirm(`Create Azure Container Registry ${config.registry} (Basic SKU, admin user off)?`),
      },
    },
    deps,
    out,
  )
  return pushed.image
}

/** Doctor's error-level findings on the Dockerfile stop the deploy unless --force. */
function checkDockerfile(o: SourceImageOptions, out: Reporter): void {
  const result = diagnose({
    path: o.dockerfile ?? o.context ?? '.',
    cwd: o.cwd,
    explicitPath: true,
    today: new Date().toISOString().slice(0, 10),
    ...(o.config.port !== undefined ? {configuredPort: o.config.port} : {}),
  })
  const errors = gateErrors(result.findings, o.config.port !== undefined)
  const file = result.dockerfile ?? 'Dockerfile'
  stopOnDoctorErrors(
    'The Dockerfile',
    errors.map((x) => `${file}:${x.line ?? '-'} ${x.rule}: ${x.message}`),
    o.force,
    out,
  )
}
