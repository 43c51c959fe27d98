/**
 * `azdeploy up` wired: config (flags > AZDEPLOY_* > azdeploy.yml > defaults), the registry password source,
 * sign-in, an image built and pushed when none is given, then the deploy phases over the Azure adapters.
 */
import {readConfigFile, readStdinSecret} from '../adapters/system/config-file.js'
import {type DeployFlags, resolveDeployConfig} from '../core/config.js'
import {readKnobs} from '../core/knobs.js'
import {Secret} from '../core/secret.js'
import type {DeployOptions, DeployOutcome, DeployPorts} from '../services/deploy.js'
import type {SlotDeployOutcome} from '../services/slot-deploy.js'
import {maskAll, maskContextTokens, secretsOfRun} from './github.js'
import type {AppIO} from './io.js'
import {pushTools} from './push-tools.js'

export interface UpInput extends DeployFlags {
  config?: string | undefined
  'registry-password-stdin'?: boolean
  'dry-run'?: boolean
  'no-wait'?: boolean
  force?: boolean
  yes?: boolean
  from?: string | undefined
  dockerfile?: string | undefined
  context?: string | undefined
  'build-arg'?: string[] | undefined
  target?: string | undefined
  /** Keep a failed release instead of rolling back (read once automatic rollback exists). */
  'no-rollback'?: boolean
}

/** The registry password never comes from argv: stdin when asked, else AZDEPLOY_REGISTRY_PASSWORD. */
export async function registryPassword(fromStdin: boolean | undefined, env: AppIO['env']): Promise<Secret | undefined> {
  if (fromStdin) return new Secret(await readStdinSecret())
  const v = env['AZDEPLOY_REGISTRY_PASSWORD']
  return v ? new Secret(v) : undefined
}

export async function runUp(f: UpInput, io: AppIO): Promise<DeployOutcome> {
  const {file} = await readConfigFile(f.config, io.cwd)
  const config = resolveDeployConfig(f, io.env, file)
  const knobs = readKnobs(io.env)
  const password = await registryPassword(f['registry-password-stdin'], io.env)
  maskAll(io.reporter, secretsOfRun(f.env, file, io.env, password)) // in GitHub Actions: before any other line
  const {createAzurePorts, preloadArmSdks} = await import('./azure-ports.js')
  let preload: Promise<unknown> = Promise.resolve()
  const {createAzureContext} = await import('./session.js')
  const ctx = await createAzureContext({
    cloud: config.cloud,
    subscription: config.subscription,
    env: io.env,
    whileSigningIn: () => {
      preload = preloadArmSdks()
    },
  })
  await maskContextTokens(ctx, io.reporter)
  if (!config.image) {
    const [{imageFromSource}, {azureForPush}] = await Promise.all([
      import('../services/source-image.js'),
      import('./push-azure.js'),
    ])
    config.image = await imageFromSource(
      {
        config,
        force: f.force === true,
        yes: f.yes === true,
        ...(f.from ? {from: f.from} : {}),
        ...(f.dockerfile ? {dockerfile: f.dockerfile} : {}),
        ...(f.context ? {context: f.context} : {}),
        ...(f['build-arg'] ? {buildArgs: f['build-arg']} : {}),
        ...(f.target ? {target: f.target} : {}),
        cwd: io.cwd,
        signal: io.signal,
        confirm: (q) => io.confirm(q, f.yes),
      },
      {azure: async () => azureForPush(ctx, io.reporter, io.signal), ...pushTools(io.reporter, io.signal)},
      io.reporter,
    )
  }
  await preload
  const options = {
    config,
    subscriptionId: ctx.subscriptionId,
    ...(password ? {registryPassword: password} : {}),
    dryRun: f['dry-run'] === true,
    wait: !f['no-wait'],
    signal: io.signal,
    pollIntervalMs: knobs.pollIntervalMs,
    roleSettleMs: knobs.roleSettleMs,
    force: f.force === true,
  }
  const ports = createAzurePorts(ctx, io.reporter, io.signal, io.env)
  if (config.slot) return runSlotDeploy(options, config.slot, ports, io)
  const {deploy} = await import('../services/deploy.js')
  return deploy(options, ports, io.reporter)
}

/** `up --slot NAME`: deploy to the slot, prove it, swap into production (services/slot-deploy.ts). */
async function runSlotDeploy(
  options: DeployOptions,
  slot: string,
  ports: DeployPorts,
  io: AppIO,
): Promise<SlotDeployOutcome> {
  const {slotDeploy} = await import('../services/slot-deploy.js')
  return slotDeploy({...options, slot}, ports, io.reporter)
}
