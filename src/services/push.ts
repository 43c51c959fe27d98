/**
 * `azdeploy push`: decide the destination (`--image`, or `--registry` ACR + `--app` as repository), take the image
 * (`--from` a local OCI layout/archive, or `docker build` + `docker save`), choose registry credentials (basic with
 * --registry-username, the Azure identity for ACR, else anonymous) and push it through the pusher port.
 */
import {shown} from '../core/display.js'
import {AzdeployError, InputError} from '../core/errors.js'
import {formatImageRef, parseImageRef} from '../core/image-ref.js'
import {defaultImageTag} from '../core/image-tag.js'
import type {Secret} from '../core/secret.js'
import type {Reporter} from '../output/reporter.js'
import type {ImageBuilderPort, ImagePusherPort, PushSettings, RegistryCredentials, TokenSource} from '../ports/index.js'
import {decideRegistryAccess} from './registry-access.js'

export interface PushRequest {
  image?: string
  registry?: string
  app?: string
  from?: string
  dockerfile?: string
  context?: string
  buildArgs?: string[]
  target?: string
  username?: string
  password?: Secret
  concurrency?: number
  chunkBytes?: number
  cwd: string
  now: Date
  signal?: AbortSignal
  /** Where to create `registry` when it does not exist, and how to ask before doing so. */
  createRegistry?: {resourceGroup?: string; location?: string; consent: () => Promise<boolean>}
}

export interface AzureForPush {
  /** Login server of the ACR with this resource name. */
  loginServer(name: string): Promise<string>
  /** Creates the ACR (Basic, admin user off, RBAC registry permissions) and returns its login server. */
  createRegistry(r: {name: string; resourceGroup: string; location: string}): Promise<string>
  /** Entra token for the ACR audience. */
  acrToken(): Promise<string>
  /** The Azure credential and registry audience, for @azure/container-registry. */
  credential?: TokenSource
  acrAudience?: string
  tenantId?: string
  /** Stores manifests in this ACR repository through @azure/container-registry (Entra sign-in only). */
  manifestWriter?(dest: {registry: string; repository: string}): PushSettings['putManifest']
}

export interface PushDeps {
  /** Created lazily: only ACR destinations need Azure. */
  azure: () => Promise<AzureForPush>
  builder: ImageBuilderPort
  pusher: ImagePusherPort
  /** True when a registry answers with ACR's token challenge. */
  isAcrStyle(host: string): Promise<boolean>
}

export interface PushOutcome {
  image: string
  digest: string
  pushedBytes: number
  skippedBlobs: number
  uploadedBlobs: number
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`

async function registryLoginServer(req: PushRequest & {registry: string}, deps: PushDeps, reporter: Reporter) {
  const az = await deps.azure()
  try {
    return await az.loginServer(req.registry)
  } catch (e) {
    if (!(e instanceof AzdeployError) || e.code !== 'REGISTRY_NOT_FOUND') throw e
    const c = req.createRegistry
    if (!c?.resourceGroup || !c.location) {
      throw new InputError(
        'REGISTRY_NOT_FOUND',
        e.message,
        'Check --registry, or create it: add --yes with --resource-group and --location (Basic SKU, admin user off)',
      )
    }
    if (!(await c.consent())) {
      throw new InputError(
        'CONFIRMATION_REQUIRED',
        `Registry ${req.registry} does not exist and was not created`,
        'Pass --yes to create it (needed without a terminal)',
      )
    }
    const {resourceGroup, location} = c
    return reporter.stage(`Create registry ${req.registry} (Basic, ${location})`, () =>
      az.createRegistry({name: req.registry, resourceGroup, location}),
    )
  }
}

async function registryOfImage(req: PushRequest, host: string, deps: PushDeps, reporter: Reporter) {
  const name = req.registry ?? ''
  const loginServer = name.includes('.')
    ? name.toLowerCase()
    : await registryLoginServer({...req, registry: name}, deps, reporter)
  if (loginServer !== host.toLowerCase()) {
    throw new InputError(
      'REGISTRY_MISMATCH',
      `--image names registry ${host}, but --registry ${name} is ${loginServer}`,
      `Drop --registry, or push to ${loginServer}/REPOSITORY:TAG`,
    )
  }
  return true
}

async function destination(req: PushRequest, deps: PushDeps, tag: () => Promise<string>, reporter: Reporter) {
  if (req.image) {
    const ref = parseImageRef(req.image)
    if (ref.digest) throw new InputError('INVALID_IMAGE', '--image names where to push: give a tag, not a digest')
    // --registry with --image names the ACR to sign in to; it must be the image's registry.
    const acr = req.registry ? await registryOfImage(req, ref.registry, deps, reporter) : false
    return {registry: ref.registry, repository: ref.repository, tag: ref.tag ?? (await tag()), acr}
  }
  if (!req.registry) {
    throw new InputError(
      'DESTINATION_REQUIRED',
      'Say where to push: --image REGISTRY/REPOSITORY[:TAG] or --registry NAME --app APP',
    )
  }
  if (!req.app) throw new InputError('APP_REQUIRED', '--registry needs --app (the repository is named after the app)')
  const repository = req.app.toLowerCase()
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(repository)) {
    throw new InputError('INVALID_APP', `'${shown(req.app)}' cannot be a repository name`)
  }
  const registry = req.registry.includes('.')
    ? req.registry.toLowerCase()
    : await registryLoginServer({...req, registry: req.registry}, deps, reporter)
  return {registry, repository, tag: await tag(), acr: !req.registry.includes('.')}
}

async function credentials(
  req: PushRequest,
  registry: string,
  deps: PushDeps,
  acr: boolean,
): Promise<RegistryCredentials> {
  const access = acr
    ? ({kind: 'acr'} as const)
    : await decideRegistryAccess(
        {host: registry, username: req.username, password: req.password},
        {isAcrStyle: (h) => deps.isAcrStyle(h)},
      )
  if (access.kind === 'basic') return {kind: 'basic', username: access.username, password: access.password}
  if (access.kind === 'acr') {
    const az = await deps.azure()
    return {kind: 'aad', getToken: () => az.acrToken(), ...(az.tenantId ? {tenantId: az.tenantId} : {})}
  }
  return {kind: 'anonymous'}
}

/** For an ACR signed in to with Entra, the manifest goes up through @azure/container-registry. */
async function acrManifestWriter(
  creds: RegistryCredentials,
  dest: {registry: string; repository: string},
  deps: PushDeps,
): Promise<Pick<PushSettings, 'putManifest'>> {
  if (creds.kind !== 'aad') return {}
  const putManifest = (await deps.azure()).manifestWriter?.(dest)
  return putManifest ? {putManifest} : {}
}

export async function push(req: PushRequest, deps: PushDeps, reporter: Reporter): Promise<PushOutcome> {
  const context = req.context ?? req.cwd
  const tag = async () => defaultImageTag(await deps.builder.gitState(req.from ? req.cwd : context), req.now)
  const dest = await destination(req, deps, tag, reporter)
  const image = formatImageRef({registry: dest.registry, repository: dest.repository, tag: dest.tag})
  const creds = await credentials(req, dest.registry, deps, dest.acr)
  const docker = req.signal ? {signal: req.signal} : {}

  let source = req.from
  let cleanup = () => {}
  if (!source) {
    const build = {context, dockerfile: req.dockerfile ?? `${context}/Dockerfile`, tag: image}
    await reporter.stage(`Build ${image}`, (update) =>
      deps.builder.build(
        {...build, ...(req.buildArgs ? {buildArgs: req.buildArgs} : {}), ...(req.target ? {target: req.target} : {})},
        {...docker, onLine: (l) => l.trim() && update(l.trim().slice(0, 100))},
      ),
    )
    const saved = await reporter.stage('Export the image from Docker', () => deps.builder.save(image, docker))
    source = `docker-archive:${saved.path}`
    cleanup = saved.cleanup
  }
  try {
    let total = 0
    const sent = new Map<string, number>()
    const manifestWriter = await acrManifestWriter(creds, dest, deps)
    const from = source
    const result = await reporter.stage(
      `Push ${image}`,
      (update) =>
        deps.pusher.push(from, dest, creds, {
          onOpen: (bytes) => {
            total = bytes
          },
          concurrency: req.concurrency ?? 4,
          ...(req.chunkBytes ? {chunkBytes: req.chunkBytes} : {}),
          ...(req.signal ? {signal: req.signal} : {}),
          ...manifestWriter,
          onProgress: (p) => {
            sent.set(p.digest, p.sent)
            const done = [...sent.values()].reduce((a, b) => a + b, 0)
            update(`${mb(done)} / ${mb(total)}`)
            const short = p.digest.slice(7, 19)
            reporter.progress(p.digest, short, p.state === 'skipped' || p.state === 'mounted' ? p.size : p.sent, p.size)
            if (p.state === 'skipped') reporter.debug(`${short}: already in the registry`)
            else if (p.state === 'done' || p.state === 'mounted')
              reporter.info(`${short}: ${p.state === 'done' ? 'pushed' : 'mounted'} ${mb(p.size)}`)
            else if (p.state === 'retrying') reporter.warn(`${short}: retrying from ${mb(p.sent)}`)
          },
        }),
      {wait: {done: 'pushed'}},
    )
    return {
      image,
      digest: result.digest,
      pushedBytes: result.pushedBytes,
      skippedBlobs: result.skippedBlobs + result.mountedBlobs,
      uploadedBlobs: result.uploadedBlobs,
    }
  } finally {
    cleanup()
  }
}
