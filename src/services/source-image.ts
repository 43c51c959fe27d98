/**
 * `up` without --image: check the Dockerfile with doctor's error-level rules, build it (or take --from), push it
 * to the ACR named by `registry` (created with consent when missing), and hand back the pushed reference.
 */
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import type {DeployConfig} from '../core/config.js'
import {AzdeployError, InputError} from '../core/errors.js'
import {defaultImageTag} from '../core/image-tag.js'
import type {Reporter} from '../output/reporter.js'
import type {DeployFinding} from './deploy-preflight.js'
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

/** The image `up` builds and pushes, and doctor's findings on its Dockerfile. */
export interface SourceImage {
  image: string
  findings: DeployFinding[]
}

function registryOf(config: DeployConfig): string {
  if (!config.registry) {
    throw new InputError(
      'IMAGE_REQUIRED',
      'No image given, and no registry to build and push one to',
      'Pass --image REGISTRY/REPOSITORY:TAG, or --registry ACR_NAME to build ./Dockerfile and push it there',
    )
  }
  return config.registry
}

/** A dry run: the image `up` would build and push, named without building, pushing or creating anything. */
export async function plannedSourceImage(
  o: Omit<SourceImageOptions, 'confirm' | 'yes'>,
  deps: Pick<PushDeps, 'azure' | 'builder'>,
): Promise<SourceImage & {registryExists: boolean; warnings: string[]}> {
  const registry = registryOf(o.config)
  const warnings: string[] = []
  const findings = o.from ? [] : checkDockerfile({...o, dryRun: true}, undefined, (w) => warnings.push(w))
  const tag = defaultImageTag(await deps.builder.gitState(o.from ? o.cwd : (o.context ?? o.cwd)), new Date())
  let loginServer = registry.toLowerCase()
  let registryExists = true
  if (!registry.includes('.')) {
    try {
      loginServer = await (await deps.azure()).loginServer(registry)
    } catch (e) {
      if (!(e instanceof AzdeployError) || e.code !== 'REGISTRY_NOT_FOUND') throw e
      registryExists = false
      loginServer = `${registry.toLowerCase()}.azurecr.io`
    }
  }
  return {image: `${loginServer}/${o.config.app.toLowerCase()}:${tag}`, findings, registryExists, warnings}
}

export async function imageFromSource(o: SourceImageOptions, deps: PushDeps, out: Reporter): Promise<SourceImage> {
  const config = o.config
  const registry = registryOf(config)
  const findings = o.from ? [] : checkDockerfile({...o, dryRun: false}, out)
  const pushed = await push(
    {
      registry,
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
  return {image: pushed.image, findings}
}

/** Doctor's findings on the Dockerfile; error-level ones stop the deploy unless --force or a dry run. */
function checkDockerfile(
  o: Pick<SourceImageOptions, 'dockerfile' | 'context' | 'cwd' | 'config' | 'force'> & {dryRun: boolean},
  out?: Reporter,
  warn?: (message: string) => void,
): DeployFinding[] {
  const result = diagnose({
    path: o.dockerfile ?? o.context ?? '.',
    cwd: o.cwd,
    explicitPath: true,
    today: new Date().toISOString().slice(0, 10),
    ...(o.config.port !== undefined ? {configuredPort: o.config.port} : {}),
  })
  const file = result.dockerfile ?? 'Dockerfile'
  const explicitPort = o.config.port !== undefined
  if (!o.dryRun && out) {
    const errors = gateErrors(result.findings, explicitPort)
    stopOnDoctorErrors(
      'The Dockerfile',
      errors.map((x) => `${file}:${x.line ?? '-'} ${x.rule}: ${x.message}`),
      o.force,
      out,
    )
  }
  const mismatch = explicitPort ? result.findings.find((x) => x.rule === 'port/expose-mismatch') : undefined
  // The real run warns once the built image is resolved; a dry run builds nothing, so it quotes the Dockerfile.
  if (mismatch && warn) {
    const text = readFileSync(resolve(o.cwd, file), 'utf8').split(/\r?\n/)[(mismatch.line ?? 0) - 1]?.trim()
    const where = `${file}:${mismatch.line ?? '-'}${text ? ` (${text})` : ''}`
    warn(`--port ${o.config.port} wins over the Dockerfile's EXPOSE at ${where}: WEBSITES_PORT is ${o.config.port}`)
  }
  return result.findings
    .filter((x) => x !== mismatch)
    .map((x) => ({...x, source: 'dockerfile' as const, subject: file}))
}
