/**
 * After a command, in a terminal: the notice of a newer release found by an earlier run, and (at most once a day)
 * a background look-up for the next run. The rules are core/update-notice.ts.
 */
import {join} from 'node:path'
import {loginDir} from '../adapters/identity/login-store.js'
import {readUpdateCache, startUpdateCheck} from '../adapters/system/update-check.js'
import {readKnobs} from '../core/knobs.js'
import {checkDue, distTagsUrl, UPDATE_CACHE_FILE, updateNotice, updateNoticeAllowed} from '../core/update-notice.js'

export interface UpdateNoticeInput {
  name: string
  version: string
  mode: 'human' | 'ci' | 'json'
  env: Record<string, string | undefined>
  now: number
}

/** The notice to show, if any; starts the day's look-up when one is due. Never throws. */
export function afterCommand(o: UpdateNoticeInput): string | undefined {
  try {
    if (!updateNoticeAllowed(o.mode, o.env)) return undefined
    const file = join(loginDir(o.env), UPDATE_CACHE_FILE)
    const cache = readUpdateCache(file)
    if (checkDue(cache, o.now)) startUpdateCheck({url: distTagsUrl(readKnobs(o.env).updateRegistry, o.name), file})
    return updateNotice(o.name, o.version, cache)
  } catch {
    return undefined
  }
}
