// Records every module a CLI run loads (ESM through a module.register resolve hook, CommonJS through Module._load),
// so tests can pin what `--help` must not load.
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

export function writeProbe(dir: string): {registerFile: string} {
  const hooksFile = join(dir, 'load-hooks.mjs')
  const registerFile = join(dir, 'load-register.mjs')
  writeFileSync(
    hooksFile,
    `import {appendFileSync} from 'node:fs'
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  if (process.env.PROBE_LOAD_LOG) appendFileSync(process.env.PROBE_LOAD_LOG, r.url + '\\n')
  return r
}
`,
  )
  writeFileSync(
    registerFile,
    `import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'
register(${JSON.stringify(pathToFileURL(hooksFile).href)}, import.meta.url)
const load = Module._load
Module._load = function (request, parent, isMain) {
  try {
    const file = Module._resolveFilename(request, parent, isMain)
    if (process.env.PROBE_LOAD_LOG) appendFileSync(process.env.PROBE_LOAD_LOG, 'cjs:' + file + '\\n')
  } catch {}
  return load.apply(this, arguments)
}
`,
  )
  return {registerFile}
}

/** Runs `node <entry> ...args` with the probe; returns the exit code and every module path it loaded. */
export function loadedModules(
  dir: string,
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{code: number | null; modules: string[]}> {
  const {registerFile} = writeProbe(dir)
  const log = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`)
  writeFileSync(log, '')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: {...env, NODE_OPTIONS: `--import ${pathToFileURL(registerFile).href}`, PROBE_LOAD_LOG: log},
      stdio: ['ignore', 'ignore', 'ignore'],
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({code, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean)}))
  })
}
