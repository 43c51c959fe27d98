/** Finds and parses azdeploy.yml (or the file given with --config); the pure checks live in core/config.ts. */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {type ConfigFile, checkConfigFile} from '../../core/config.js'
import {SHOWN_MAX, shown, shownPath} from '../../core/display.js'
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
        `Config file '${shownPath(explicit)}' does not exist`,
        'Check the --config path, or drop the flag',
      )
    }
  } else {
    path = DEFAULT_CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p))
    if (!path) return {file: {}}
  }
  return {file: await parseConfigText(readText(path), path), path}
}

/** The checked settings of azdeploy.yml's text (`path` names the file in messages). */
export async function parseConfigText(text: string, path: string): Promise<ConfigFile> {
  return checkConfigFile(parseYaml(await import('yaml'), text, path), path)
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
  if (!stat.isFile()) {
    // A device, FIFO or socket (/dev/zero, /dev/stdin, a named pipe) would be read without end.
    throw new InputError(
      'CONFIG_NOT_A_FILE',
      `Config file '${path}' is not a regular file`,
      'Pass a YAML file with --config, e.g. --config ./azdeploy.yml',
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
      `${path} is not valid YAML: ${/call stack/i.test(e.message) ? 'it is nested too deeply' : shown(e.message.split('\n')[0], 4 * SHOWN_MAX)}`,
      'Fix the file; see schemas/azdeploy.schema.json',
    )
  const depth = nestingDepth(text)
  if (depth.flow > MAX_FLOW_DEPTH || depth.block > MAX_BLOCK_DEPTH) {
    const what =
      depth.flow > MAX_FLOW_DEPTH
        ? `nested ${depth.flow} brackets deep, more than the ${MAX_FLOW_DEPTH}`
        : `indented ${depth.block} levels deep, more than the ${MAX_BLOCK_DEPTH}`
    throw new InputError(
      'INVALID_CONFIG',
      `${path} is ${what} azdeploy reads`,
      'A deploy config is a mapping of keys to values (env: one level more); see schemas/azdeploy.schema.json',
    )
  }
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

/** Deeper YAML is refused before parsing: the parser recurses, and near the stack's end V8 can abort outright. */
export const MAX_FLOW_DEPTH = 64
/** Columns of indentation plus leading `- ` markers (block scalars' text is indented too, so more room). */
export const MAX_BLOCK_DEPTH = 256

/**
 * An upper bound of the YAML's nesting, read without parsing: the deepest open flow brackets (`[`, `{` outside
 * quoted scalars and comments; a quote starts one only where a token starts), and the widest block indentation
 * plus leading `- ` / `? ` markers of a line.
 */
export function nestingDepth(text: string): {flow: number; block: number} {
  let block = 0
  let maxFlow = 0
  let flow = 0
  for (const line of text.split('\n')) {
    const lead = /^([ ]*)((?:[-?:][ ]+)*)/.exec(line)!
    block = Math.max(block, lead[1]!.length + lead[2]!.replace(/ +/g, '').length)
    let quote = ''
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!
      if (quote) {
        if (c === quote) quote = ''
      } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(line[i - 1]!))) quote = c
      else if (c === '#' && (i === 0 || line[i - 1] === ' ')) break
      else if (c === '[' || c === '{') maxFlow = Math.max(maxFlow, ++flow)
      else if ((c === ']' || c === '}') && flow > 0) flow--
    }
  }
  return {flow: maxFlow, block}
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
