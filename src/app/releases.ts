/** `azdeploy releases` wired: the app named by flags/env/azdeploy.yml, its history read with the site. */

import {commandDeadline} from '../core/deadline.js'
import {shown} from '../core/display.js'
import {InputError} from '../core/errors.js'
import {readKnobs} from '../core/knobs.js'
import type {ReleasesOutcome} from '../services/releases.js'
import {withDeadline} from './deadline.js'
import type {AppIO} from './io.js'
import {type AppTargetInput, appTarget} from './status.js'

export interface ReleasesInput extends AppTargetInput {
  number?: number | undefined
}

export function runReleases(f: ReleasesInput, io: AppIO): Promise<ReleasesOutcome> {
  return withDeadline(io, commandDeadline('releases', readKnobs(io.env)), (dio) => releases(f, dio))
}

async function releases(f: ReleasesInput, io: AppIO): Promise<ReleasesOutcome> {
  const n = f.number ?? 20
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError('INVALID_NUMBER', `-n ${shown(n)} must be a whole number of 1 or more`, 'e.g. -n 5')
  }
  const target = await appTarget(f, io)
  const [{connectAzure}, {readReleases, releaseRows}] = await Promise.all([
    import('./azure-ports.js'),
    import('../services/releases.js'),
  ])
  const {ports} = await connectAzure(target, io)
  const list = await io.reporter.stage('Read releases', () => readReleases(target, ports.app, Date.now()))
  for (const u of list.unreadable) io.reporter.warn(`tag ${u.key} is not a release this version can read: ${u.reason}`)
  return {releases: releaseRows(list, n)}
}
