/** Files `azdeploy init` writes into a project: all or none, never over an existing one unless asked. */
import {existsSync} from 'node:fs'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'

export interface ProjectFile {
  /** Relative to the project directory. */
  path: string
  text: string
}

/** The files of the list that already exist (relative paths). */
export function existingFiles(cwd: string, files: ProjectFile[]): string[] {
  return files.filter((f) => existsSync(resolve(cwd, f.path))).map((f) => f.path)
}

/**
 * Writes every file through a temporary sibling and a rename, after all temporaries are written, so a failure
 * (a full disk, a read-only directory) leaves the project as it was.
 */
export async function writeProjectFiles(cwd: string, files: ProjectFile[]): Promise<void> {
  const staged: Array<{tmp: string; dest: string}> = []
  try {
    for (const f of files) {
      const dest = resolve(cwd, f.path)
      await mkdir(dirname(dest), {recursive: true})
      const tmp = `${dest}.azdeploy-${process.pid}.tmp`
      await writeFile(tmp, f.text, {mode: 0o644, flag: 'w'})
      staged.push({tmp, dest})
    }
    for (const s of staged) await rename(s.tmp, s.dest)
  } finally {
    await Promise.all(staged.map((s) => rm(s.tmp, {force: true})))
  }
}
