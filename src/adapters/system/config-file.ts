/** Finds and parses azdeploy.yml (or the file given with --config); the pure checks live in core/config.ts. */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {type ConfigFile, checkConfigFile} from '../../core/config.js'
import {InputError} from '../../core/errors.js'

export const DEFAULT_CONFIG_NAMES = ['azdeploy.yml', 'azdeploy.yaml']

/** Larger files are refused before they are read: a deploy config is a few hundred bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024

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
  const raw = parseYaml(await import('yaml'), readText(path), path)
  return {file: checkConfigFile(raw, path), path}
}

/** The file's text, refusing a directory, a file over MAX_CONFIG_BYTES and an unreadable file by name. */
function readText(path: string): string {
  const stat = statSync(path)
  if (stat.isDirectory()) {
    throw new InputError(
      'CONFIG_NOT_A_FILE',
      `Config file '${path}' is a directory`,
      `Pass the file itself, e.g. --config ${path}/azdeploy.yml`,
    )
  }
  if (stat.size > MAX_CONFIG_BYTES) {
    throw new InputError(
      'CONFIG_TOO_LARGE',
      `Config file '${path}' is ${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} (1 MB) azdeploy reads`,
      'Point --config at the deploy settings (a few lines of YAML); keep data out of azdeploy.yml',
    )
  }
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new InputError(
      'CONFIG_UNREADABLE',
      `Config file '${path}' cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'Check the file permissions, or pass another file with --config',
    )
  }
}

/**
 * Parses the YAML. App-setting values keep their source text: YAML would read `007` as 7, `0x1F` as 31 and a
 * 20-digit number with lost digits, but a setting is a string exactly as written.
 */
function parseYaml(yaml: typeof import('yaml'), text: string, path: string): unknown {
  const invalid = (e: Error) =>
    new InputError(
      'INVALID_CONFIG',
      `${path} is not valid YAML: ${e.message.split('\n')[0]}`,
      'Fix the file; see schemas/azdeploy.schema.json',
    )
  const doc = yaml.parseDocument(text)
  if (doc.errors[0]) throw invalid(doc.errors[0])
  let raw: unknown
  try {
    raw = doc.toJS()
  } catch (e) {
    throw invalid(e as Error) // e.g. too many alias expansions
  }
  keepSettingText(yaml, doc, raw)
  return raw
}

/** Replaces each plain scalar under `env` that YAML read as a number or boolean by its text in the file. */
function keepSettingText(yaml: typeof import('yaml'), doc: import('yaml').Document, raw: unknown): void {
  const env = yaml.isMap(doc.contents) ? doc.contents.get('env', true) : undefined
  const settings = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)['env'] : undefined
  if (yaml.isMap(env) && settings && typeof settings === 'object' && !Array.isArray(settings)) {
    for (const pair of env.items) {
      const {key, value} = pair
      if (!yaml.isScalar(key) || !yaml.isScalar(value)) continue
      const plainNonString = value.type === 'PLAIN' && typeof value.value !== 'string' && value.value !== null
      if (plainNonString && value.source !== undefined) {
        ;(settings as Record<string, unknown>)[String(key.value)] = value.source
      }
    }
  }
}

/** Reads a secret piped on stdin (e.g. --registry-password-stdin), trimming one trailing newline. */
export async function readStdinSecret(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(Buffer.from(c as Buffer))
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}
