/** `azdeploy status` wired: the app named by flags/env/azdeploy.yml, read through the Azure adapters. */
import {readConfigFile} from '../adapters/system/config-file.js'
import {resolveAppTarget} from '../core/config.js'
import type {StatusOutcome} from '../services/status.js'
import type {AppIO} from './io.js'

export interface AppTargetInput {
  app?: string | undefined
  'resource-group'?: string | undefined
  subscription?: string | undefined
  cloud?: string | undefined
  config?: string | undefined
}

/** The app a command is about: flags > AZDEPLOY_* > azdeploy.yml. */
export async function appTarget(f: AppTargetInput, io: AppIO) {
  const {file} = await readConfigFile(f.config, io.cwd)
  return resolveAppTarget(f as Parameters<typeof resolveAppTarget>[0], io.env, file)
}

export async function runStatus(f: AppTargetInput, io: AppIO): Promise<StatusOutcome> {
  const target = await appTarget(f, io)
  const [{connectAzure}, {appStatus}] = await Promise.all([import('./azure-ports.js'), import('../services/status.js')])
  const {ports} = await connectAzure(target, io)
  return io.reporter.stage('Read app status', () => appStatus(target, ports, io.signal))
}
