/**
 * `azdeploy down` wired: read what exists and decide (nothing written), name everything that will be deleted and
 * kept, confirm by typing the name of the LARGEST thing deleted (the group, else the plan, else the app) in a
 * terminal (or --yes), then delete in order.
 */
import {readConfigFile} from '../adapters/system/config-file.js'
import {configuredPlanName} from '../core/config.js'
import {commandDeadline} from '../core/deadline.js'
import {InputError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import {itemLabel, KIND_LABEL, type TeardownDecision} from '../core/teardown.js'
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
  const deleteGroup = f['delete-resource-group'] === true
  // Without a terminal there is no one to ask: refuse before signing in.
  if (!f.yes && !io.interactive) {
    const what = deleteGroup ? `resource group ${named.resourceGroup} and everything in it` : `app ${named.app}`
    throw new InputError(
      'CONFIRMATION_REQUIRED',
      `Refusing to delete ${what} without confirmation`,
      `Pass --yes (no terminal to ask in): azdeploy down --app ${named.app} -g ${named.resourceGroup}${flagsOf(f)} --yes`,
    )
  }
  const [{connectAzure}, {inspectTeardown, runTeardown}, {file}] = await Promise.all([
    import('./azure-ports.js'),
    import('../services/teardown.js'),
    readConfigFile(f.config, io.cwd),
  ])
  const {ctx, ports} = await connectAzure(named, io)
  // --delete-resource-group acts on the group named: never on one found by looking the app up.
  const target = deleteGroup ? named : await locateApp(named, ports.app, io)
  const options = {
    app: target.app,
    resourceGroup: target.resourceGroup,
    subscriptionId: ctx.subscriptionId,
    planName: configuredPlanName(target.app, io.env, file),
    deletePlan: f.plan === true,
    deleteGroup,
  }
  const decision = await io.reporter.stage('Read what down would delete', () => inspectTeardown(options, ports))
  if (!f.yes && decision.confirm) await confirm(decision, io)
  return runTeardown(options, decision, ports, io.reporter)
}

const flagsOf = (f: DownInput) =>
  `${f.plan ? ' --plan' : ''}${f['delete-resource-group'] ? ' --delete-resource-group' : ''}`

/** Names every item deleted and kept, then asks for the name of the largest one deleted. */
async function confirm(d: TeardownDecision, io: AppIO): Promise<void> {
  const c = d.confirm
  if (!c) return
  io.reporter.info(`down will delete: ${d.delete.map(itemLabel).join('; ')}`)
  for (const k of d.keep) io.reporter.info(`and keep ${itemLabel(k)}: ${k.reason}`)
  const kind = KIND_LABEL[c.kind]
  const answer = io.ask ? await io.ask(`Type the ${kind} name (${c.name}) to confirm:`) : null
  if (answer == null || answer.trim() !== c.name) {
    throw new InputError(
      'NOT_CONFIRMED',
      answer == null
        ? 'No confirmation (end of input); nothing deleted'
        : `Confirmation '${answer.trim()}' does not match the ${kind} name '${c.name}'; nothing deleted`,
      `Type the ${kind} name exactly (${c.name}), or pass --yes`,
    )
  }
}
