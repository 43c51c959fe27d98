/**
 * `azdeploy rollback`: which release to restore, what azdeploy can and cannot restore, and the deploy config that
 * puts it back. The change itself goes through the same phases as `up` (services/deploy.ts: read, plan with the
 * release's image pinned by digest and its port, apply, the same health gate, the same lock and release record).
 *
 * Default target: the newest release before the current one that served (status `succeeded` or `rolled back`)
 * and runs something else than the current one (another digest or port). `--to ID` names any recorded release.
 * Settings: a release stores the NAMES of its managed settings and one fingerprint of their values, never a
 * value, so a rollback leaves setting values as they are and reports when they differ from that release's.
 */
import {InputError} from '../core/errors.js'
import {parseImageRef} from '../core/image-ref.js'
import {type ReleaseSettings, type StoredRelease, settingsFingerprint} from '../core/releases.js'
import type {ReleaseList} from './release-log.js'

export interface RollbackTarget {
  current: StoredRelease
  target: StoredRelease
}

export function chooseRollbackTarget(list: ReleaseList, to: number | undefined, app: string): RollbackTarget {
  const {current} = list
  if (to !== undefined) {
    const target = list.releases.find((r) => r.id === to)
    if (!target) {
      const ids = list.releases.map((r) => r.id)
      throw new InputError(
        'RELEASE_NOT_FOUND',
        `Release ${to} is not in the history of ${app}${ids.length ? ` (it holds ${ids.join(', ')})` : ' (it has no releases)'}`,
        `List them with \`azdeploy releases --app ${app}\`, then pass one of those ids to --to`,
      )
    }
    if (!current) throw noCurrent(app)
    return {current, target}
  }
  if (!current) throw noCurrent(app)
  const served = (r: StoredRelease) => r.status === 'succeeded' || r.status === 'rolled back'
  const same = (r: StoredRelease) => r.digest === current.digest && r.port === current.port
  const before = list.releases.filter((r) => r.id < current.id && served(r) && !same(r))
  const target = before[before.length - 1]
  if (!target) {
    throw new InputError(
      'NO_PREVIOUS_RELEASE',
      `${app} has no release before the current one (${current.id}) to roll back to`,
      `See \`azdeploy releases --app ${app}\`; pass --to ID to restore a specific release`,
    )
  }
  return {current, target}
}

function noCurrent(app: string): InputError {
  return new InputError(
    'NO_CURRENT_RELEASE',
    `${app} has no succeeded release recorded, so there is nothing to roll back from`,
    'Deploy with `azdeploy up` first; `azdeploy releases` lists what is recorded',
  )
}

/** The image to deploy for a release: its repository pinned to its digest (the tag is kept for display). */
export function releaseImage(r: StoredRelease): string {
  const name = r.image.replace(/@sha256:[0-9a-f]{64}$/, '')
  if (name.includes('…')) {
    throw new InputError(
      'RELEASE_IMAGE_SHORTENED',
      `Release ${r.id}'s image name was shortened to fit its record (${r.image}); it cannot be restored by name`,
      `Deploy it with \`azdeploy up --image REPOSITORY@${r.digest}\``,
    )
  }
  const ref = parseImageRef(name)
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}@${r.digest}`
}

export interface SettingsReport {
  /** The fingerprint of what the app holds now for the target's names: the rollback record stores it. */
  recorded: ReleaseSettings
  /** The target's settings exist but their values differ from when it was deployed (left as they are). */
  changed: string[]
  /** Names the target had that the app no longer has: azdeploy never stores values, so it cannot restore them. */
  missing: string[]
  /** Settings the current release manages that the target did not (left in place). */
  added: string[]
  /** The target's list of names was incomplete (too many to fit its tag). */
  incomplete: boolean
}

/** Compares the app's settings now with what the target release recorded (by fingerprint only). */
export function settingsReport(
  target: StoredRelease & {settings: {incomplete?: true}},
  current: StoredRelease,
  appSettings: Readonly<Record<string, string>>,
): SettingsReport {
  const names = target.settings.names
  const present = names.filter((n) => Object.hasOwn(appSettings, n))
  const missing = names.filter((n) => !Object.hasOwn(appSettings, n))
  const recorded = settingsFingerprint(Object.fromEntries(present.map((n) => [n, appSettings[n]!])))
  // With a name missing, the fingerprints cannot match and say nothing about the others.
  const changed = missing.length === 0 && recorded.hash !== target.settings.hash ? present : []
  const added = current.settings.names.filter((n) => !names.includes(n))
  return {
    recorded,
    changed,
    missing,
    added,
    incomplete: target.settings.incomplete === true,
  }
}

/** Lines for stderr about settings a rollback leaves alone. */
export function settingsNotes(r: SettingsReport, targetId: number): string[] {
  const out: string[] = []
  if (r.changed.length)
    out.push(
      `settings changed since release ${targetId} (outside azdeploy or by a later deploy), left as they are: ${r.changed.join(', ')}; azdeploy stores no values, so it cannot restore them`,
    )
  if (r.missing.length)
    out.push(
      `settings of release ${targetId} the app no longer has, which azdeploy cannot restore (it never stores values): ${r.missing.join(', ')}`,
    )
  if (r.added.length) out.push(`settings added after release ${targetId}, left in place: ${r.added.join(', ')}`)
  if (r.incomplete) out.push(`release ${targetId} recorded only part of its settings names (too many to store)`)
  return out
}
