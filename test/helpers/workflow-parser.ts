// GitHub's own parser for workflow and action files (@actions/workflow-parser, a dev dependency). It imports its
// JSON schemas without import attributes, which Node 20 refuses, so it is bundled to CommonJS with esbuild once per
// process (into .test-tmp/) and loaded from there (azure-reference.md §10.1).
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {build} from 'esbuild'
import {tempDir} from './run-cli.js'
import {repoRoot} from './tls.js'

interface ParserModule {
  parseWorkflow(file: {name: string; content: string}, trace: unknown): ParseResult
  parseAction(file: {name: string; content: string}, trace: unknown): ParseResult
  NoOperationTraceWriter: new () => unknown
}
interface ParseResult {
  value: unknown
  context: {errors: {getErrors(): Array<{message: string}>}}
}

let loaded: Promise<ParserModule> | undefined

function load(): Promise<ParserModule> {
  loaded ??= (async () => {
    const out = join(tempDir('workflow-parser'), 'parser.cjs')
    await build({
      stdin: {
        contents:
          "export {parseWorkflow, NoOperationTraceWriter} from '@actions/workflow-parser'\n" +
          "export {parseAction} from '@actions/workflow-parser/actions/index'\n",
        resolveDir: repoRoot(),
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
      outfile: out,
    })
    return createRequire(import.meta.url)(out) as ParserModule
  })()
  return loaded
}

/** The parser's error messages for a workflow file (none = valid). */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const p = await load()
  return p
    .parseWorkflow({name, content}, new p.NoOperationTraceWriter())
    .context.errors.getErrors()
    .map((e) => e.message)
}

/** The parser's error messages for an action.yml. */
export async function actionErrors(name: string, content: string): Promise<string[]> {
  const p = await load()
  return p
    .parseAction({name, content}, new p.NoOperationTraceWriter())
    .context.errors.getErrors()
    .map((e) => e.message)
}
