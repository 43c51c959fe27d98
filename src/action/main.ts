/**
 * The GitHub Action's entry (bundled to action/index.cjs): INPUT_* → the same `runUp` as `azdeploy up` → step
 * outputs, job summary, and an `::error::` annotation plus the documented exit code on failure. No oclif.
 */
import type {UpInput} from '../app/deploy.js'
import {publishDeploy, publishFailure, reportOf} from '../app/github.js'
import {escapeControl} from '../core/display.js'
import {AzdeployError, ExitCode, InterruptedError} from '../core/errors.js'
import {neutralizeCommands} from '../output/github.js'
import {Redactor, redactText} from '../output/redact.js'
import {createReporter, type Reporter} from '../output/reporter.js'
import {readInputs} from './inputs.js'

async function deployStep(env: Record<string, string | undefined>, reporter: Reporter, signal: AbortSignal) {
  const run = readInputs(env)
  const io = {
    cwd: process.cwd(),
    env: {...env, ...run.env},
    signal,
    reporter,
    interactive: false,
    confirm: async (_q: string, yes?: boolean) => yes === true,
  }
  const {runUp} = await import('../app/deploy.js')
  const outcome = await runUp(run.up satisfies UpInput, io)
  await publishDeploy(reportOf(outcome, run.up.slot), io.env)
  const where = outcome.url ? ` at ${outcome.url}` : ''
  reporter.result([
    outcome.changed
      ? `Deployed ${outcome.image} (${outcome.digest}) to ${outcome.app}${where}.`
      : `No changes: ${outcome.app} already runs ${outcome.image} (${outcome.digest}).`,
  ])
}

function asAzdeployError(e: unknown, signal: AbortSignal, stage: string | undefined): AzdeployError {
  if (signal.aborted && (!(e instanceof AzdeployError) || e instanceof InterruptedError)) {
    return new InterruptedError(
      `Cancelled${stage ? ` during '${stage}'` : ''}`,
      'Azure may still be finishing the last request; run `azdeploy status` to see where the app stands',
    )
  }
  if (e instanceof AzdeployError) return e
  return new AzdeployError(
    'UNEXPECTED',
    ExitCode.Unexpected,
    redactText((e as Error)?.message || String(e)),
    'This is a bug in azdeploy: re-run the job with debug logging and report the output',
  )
}

export async function main(env = process.env): Promise<number> {
  // The run's secret set: the reporter's lines, the result and the failure text (log and summary) go through it.
  const redactor = new Redactor()
  const reporter = createReporter({
    redactor,
    json: false,
    verbose: env['RUNNER_DEBUG'] === '1',
    env: {...env, CI: env['CI'] || 'true'},
    stderr: process.stderr,
    stdout: process.stdout,
  })
  const abort = new AbortController()
  const cancel = () => abort.abort(new InterruptedError('Cancelled'))
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  try {
    await deployStep(env, reporter, abort.signal)
    return ExitCode.Ok
  } catch (e) {
    const error = asAzdeployError(e, abort.signal, reporter.current)
    reporter.annotateError(error.hint ? `${error.message}\nTry: ${error.hint}` : error.message, error.code)
    const text = `Error (${error.code}): ${error.message}\n${error.hint ? `Try: ${error.hint}\n` : ''}`
    process.stderr.write(neutralizeCommands(escapeControl(redactor.text(text))))
    await publishFailure(error, env, reporter.current, (t) => redactor.text(t)).catch(() => undefined)
    return error.exitCode
  } finally {
    process.off('SIGINT', cancel)
    process.off('SIGTERM', cancel)
  }
}

main().then((code) => {
  process.exitCode = code
})
