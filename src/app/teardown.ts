/** `azdeploy down` wired: confirmation by typing the app name in a terminal (or --yes), then the teardown service. */
import {commandDeadline} from '../core/deadline.js'
import {InputError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import type {TeardownOutcome} from '../services/teardown.js'
import {withDeadline} from './deadline.js'
import type {AppIO} from './io.js'
import {type AppTargetInput, appTarget, locateApp} from './status.js'

export interface DownInput extends AppTargetInput {
  plan?: boolean
  'delete-resource-group'?: boolean
  yes?: boolean
}

export function runDown(f: DownInput, io: AppIO): Promise<TeardownOutcome> {
  return withDeadline(io, commandDeadline('down', readKnobs(io.env)), (dio) => down(f, dio))
}

async function down(f: DownInput, io: AppIO): Promise<TeardownOutcome> {
  const named = await appTarget(f, io)
  const what = (t: {app: string; resourceGroup: string}) =>
    f['delete-resource-group'] ? `resource group ${t.resourceGroup} and everything in it` : `app ${t.app}`
  // Without a terminal there is no one to ask: refuse before signing in.
  if (!f.yes && !io.interactive) {
    throw new InputError(
      'CONFIRMATION_REQUIRED',
      `Refusing to delete ${what(named)} without confirmation`,
      'Pass --yes (no terminal to ask in)',
    )
  }
  const [{connectAzure}, {teardown}] = await Promise.all([
    import('./azure-ports.js'),
    import('../services/teardown.js'),
  ])
  const {ports} = await connectAzure(named, io)
  const target = await locateApp(named, ports.app, io)
  if (!f.yes) {
    const answer = io.ask
      ? await io.ask(`This deletes ${what(target)}. Type the app name (${target.app}) to confirm:`)
      : null
    if (answer == null || answer.trim() !== target.app) {
      throw new InputError(
        'NOT_CONFIRMED',
        answer == null
          ? 'No confirmation (end of input); nothing deleted'
          : `Confirmation '${answer.trim()}' does not match '${target.app}'; nothing deleted`,
        'Type the app name exactly, or pass --yes',
      )
    }
  }
  return teardown(
    {
      app: target.app,
      resourceGroup: target.resourceGroup,
      deletePlan: f.plan === true,
      deleteGroup: f['delete-resource-group'] === true,
    },
    ports,
    io.reporter,
  )
}
