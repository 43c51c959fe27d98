/** `azdeploy status` wired: the app named by flags/env/azdeploy.yml, read through the Azure adapters. */
import {readConfigFile} from '../adapters/system/config-file.js'
import {resolveAppTarget, resourceGroupNamed} from '../core/config.js'
import {commandDeadline} from '../core/deadline.js'
import {readKnobs} from '../core/knobs.js'
import type {StatusOutcome} from '../services/status.js'
import {withDeadline} from './deadline.js'
import type {AppIO} from './io.js'

export interface AppTargetInput {
  app?: string | undefined
  'resource-group'?: string | undefined
  subscription?: string | undefined
  cloud?: string | undefined
  config?: string | undefined
}

/** The app a command is about: flags > AZDEPLOY_* > azdeploy.yml; `groupNamed` false = the `<app>-rg` default. */
export async function appTarget(f: AppTargetInput, io: AppIO) {
  const {file} = await readConfigFile(f.config, io.cwd)
  const flags = f as Parameters<typeof resolveAppTarget>[0]
  return {...resolveAppTarget(flags, io.env, file), groupNamed: resourceGroupNamed(flags, io.env, file)}
}

/**
 * App names are global: without a named group, the app is looked up in the subscription (one list call) and the
 * group it was found in is used and said; not found keeps the default, so the command's own "not found" follows.
 */
export async function locateApp<T extends {app: string; resourceGroup: string; groupNamed: boolean}>(
  target: T,
  app: {findSiteGroup(name: string): Promise<string | null>},
  io: AppIO,
): Promise<T> {
  if (target.groupNamed) return target
  const group = await app.findSiteGroup(target.app)
  if (!group || group.toLowerCase() === target.resourceGroup.toLowerCase()) return target
  io.reporter.info(`found app ${target.app} in resource group ${group}`)
  return {...target, resourceGroup: group}
}

export function runStatus(f: AppTargetInput, io: AppIO): Promise<StatusOutcome> {
  return withDeadline(io, commandDeadline('status', readKnobs(io.env)), (dio) => status(f, dio))
}

async function status(f: AppTargetInput, io: AppIO): Promise<StatusOutcome> {
  const target = await appTarget(f, io)
  const [{connectAzure}, {appStatus}] = await Promise.all([import('./azure-ports.js'), import('../services/status.js')])
  const {ports} = await connectAzure(target, io)
  const found = await locateApp(target, ports.app, io)
  return io.reporter.stage('Read app status', () => appStatus(found, ports, io.signal))
}
