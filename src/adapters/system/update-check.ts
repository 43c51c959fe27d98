/**
 * The update check's file and process side: the cache file (`<config>/azdeploy/update-check.json`) and the
 * detached child that asks the registry (update-check-child.ts), so the command that started it exits at once.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {parseUpdateCache, type UpdateCache} from '../../core/update-notice.js'

export function readUpdateCache(file: string): UpdateCache | undefined {
  try {
    return parseUpdateCache(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const CHILD = fileURLToPath(new URL('./update-check-child.js', import.meta.url))

/** Starts the look-up in a detached child with no stdio: it outlives this process and never holds the terminal. */
export function startUpdateCheck(o: {url: string; file: string}): void {
  try {
    const child = spawn(process.execPath, [CHILD, o.url, o.file], {detached: true, stdio: 'ignore'})
    child.on('error', () => {})
    child.unref()
  } catch {
    // No notice is worth an error.
  }
}
