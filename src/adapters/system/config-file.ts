/** Finds and parses azdeploy.yml (or the file given with --config); the pure checks live in core/config.ts. */
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {type ConfigFile, checkConfigFile} from '../../core/config.js'
import {InputError} from '../../core/errors.js'

export const DEFAULT_CONFIG_NAMES = ['azdeploy.yml', 'azdeploy.yaml']

export async function readConfigFile(
  explicit: string | undefined,
  cwd: string,
): Promise<{file: ConfigFile; path?: string}> {
  let path: string | undefined
  if (explicit) {
    path = resolve(cwd, explicit)
    if (!existsSync(path)) {
      throw new InputError(
        'CONFIG_NOT_FOUND',
        `Config file '${explicit}' does not exist`,
        'Check the --config path, or drop the flag',
      )
    }
  } else {
    path = DEFAULT_CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p))
    if (!path) return {file: {}}
  }
  const text = readFileSync(path, 'utf8')
  const {parse} = await import('yaml')
  let raw: unknown
  try {
    raw = parse(text)
  } catch (e) {
    throw new InputError(
      'INVALID_CONFIG',
      `${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      'Fix the file; see schemas/azdeploy.schema.json',
    )
  }
  return {file: checkConfigFile(raw, path), path}
}

/** Reads a secret piped on stdin (e.g. --registry-password-stdin), trimming one trailing newline. */
export async function readStdinSecret(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(Buffer.from(c as Buffer))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}
