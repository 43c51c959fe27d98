/** `azdeploy push` wired: the password source, the push service, and Azure only when --registry needs it. */
import {commandDeadline} from '../core/deadline.js'
import {readKnobs} from '../core/knobs.js'
import type {PushOutcome} from '../services/push.js'
import {withDeadline} from './deadline.js'
import {registryPassword} from './deploy.js'
import {maskAll, secretsOfRun} from './github.js'
import type {AppIO} from './io.js'
import {pushTools} from './push-tools.js'

export interface PushInput {
  image?: string | undefined
  registry?: string | undefined
  app?: string | undefined
  from?: string | undefined
  dockerfile?: string | undefined
  context?: string | undefined
  'build-arg'?: string[] | undefined
  target?: string | undefined
  'registry-username'?: string | undefined
  'registry-password-stdin'?: boolean
  concurrency?: number | undefined
  subscription?: string | undefined
  cloud?: string | undefined
  'resource-group'?: string | undefined
  location?: string | undefined
  yes?: boolean
}

export function runPush(f: PushInput, io: AppIO): Promise<PushOutcome> {
  return withDeadline(io, commandDeadline('push', readKnobs(io.env)), (dio) => runPushNow(f, dio))
}

async function runPushNow(f: PushInput, io: AppIO): Promise<PushOutcome> {
  const password = await registryPassword(f['registry-password-stdin'], io.env)
  maskAll(io.reporter, secretsOfRun(undefined, {}, io.env, password))
  const {push} = await import('../services/push.js')
  const azure = async () => {
    const [{createAzureContext}, {azureForPush}] = await Promise.all([
      import('./session.js'),
      import('./push-azure.js'),
    ])
    const ctx = await createAzureContext({
      cloud: f.cloud,
      subscription: f.subscription,
      env: io.env,
      secrets: io.reporter,
    })
    return azureForPush(ctx, io.reporter, io.signal)
  }
  return push(
    {
      ...(f.image ? {image: f.image} : {}),
      ...(f.registry ? {registry: f.registry} : {}),
      ...(f.app ? {app: f.app} : {}),
      ...(f.from ? {from: f.from} : {}),
      ...(f.dockerfile ? {dockerfile: f.dockerfile} : {}),
      ...(f.context ? {context: f.context} : {}),
      ...(f['build-arg'] ? {buildArgs: f['build-arg']} : {}),
      ...(f.target ? {target: f.target} : {}),
      ...(f['registry-username'] ? {username: f['registry-username']} : {}),
      ...(password ? {password} : {}),
      ...(f.concurrency ? {concurrency: f.concurrency} : {}),
      cwd: io.cwd,
      now: new Date(),
      signal: io.signal,
      createRegistry: {
        ...(f['resource-group'] ? {resourceGroup: f['resource-group']} : {}),
        ...(f.location ? {location: f.location.replace(/\s+/g, '').toLowerCase()} : {}),
        consent: () => io.confirm(`Create Azure Container Registry ${f.registry} (Basic SKU, admin user off)?`, f.yes),
      },
    },
    {azure, ...pushTools(io.reporter, io.signal)},
    io.reporter,
  )
}
