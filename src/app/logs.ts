/** `azdeploy logs` wired: the app's Kudu site and logging switch through the Azure adapters. */

import {commandDeadline} from '../core/deadline.js'
import {InputError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import {type LogEntry, parseDuration} from '../core/log-lines.js'
import {withDeadline} from './deadline.js'
import type {AppIO} from './io.js'
import {type AppTargetInput, appTarget, locateApp} from './status.js'

export interface LogsInput extends AppTargetInput {
  follow?: boolean
  since?: string | undefined
  yes?: boolean
}

/** Reads (or follows, calling `emit` as lines arrive) the app's logs. */
export function runLogs(
  f: LogsInput,
  io: AppIO,
  emit: (entries: LogEntry[], showInstance: boolean) => void,
): Promise<{entries: LogEntry[]; showInstance: boolean} | undefined> {
  // Following runs until Ctrl-C (each read is bounded on its own); a one-off read ends by the deadline.
  if (f.follow) return logs(f, io, emit)
  return withDeadline(io, commandDeadline('logs', readKnobs(io.env)), (dio) => logs(f, dio, emit))
}

async function logs(
  f: LogsInput,
  io: AppIO,
  emit: (entries: LogEntry[], showInstance: boolean) => void,
): Promise<{entries: LogEntry[]; showInstance: boolean} | undefined> {
  const named = await appTarget(f, io)
  const sinceMs = f.since === undefined ? undefined : parseDuration(f.since)
  const [{connectAzure}, {createLogsPorts}, service] = await Promise.all([
    import('./azure-ports.js'),
    import('./logs-ports.js'),
    import('../services/logs.js'),
  ])
  const {ctx, ports} = await connectAzure(named, io)
  const target = await locateApp(named, ports.app, io)
  const logPorts = createLogsPorts(ctx, ports, target.app, io.reporter, io.signal, io.env)
  const options = {
    app: target.app,
    resourceGroup: target.resourceGroup,
    ...(sinceMs === undefined ? {} : {sinceMs}),
    confirm: (question: string) => askToEnable(question, f.yes === true, io),
    ...service.logsPolling(io.env),
  }
  if (f.follow) {
    await service.followLogs(options, logPorts, io.reporter, io.signal, emit)
    return undefined
  }
  return service.readLogs(options, logPorts, io.reporter, io.signal)
}

async function askToEnable(question: string, yes: boolean, io: AppIO): Promise<boolean> {
  if (yes) return true
  const answer = io.ask ? await io.ask(`${question} [y/N]`) : null
  if (answer === null) {
    throw new InputError(
      'CONFIRMATION_REQUIRED',
      'Container logging is off for this app; turning it on needs confirmation',
      'Pass --yes to turn on file system logging (35 MB, 3 days), ' +
        'or run `az webapp log config --docker-container-logging filesystem`',
    )
  }
  return /^y(es)?$/i.test(answer?.trim() ?? '')
}
