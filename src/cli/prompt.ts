/**
 * One question on the terminal (stderr), for confirmations. Ctrl-C at the prompt (a keypress: readline holds the
 * terminal in raw mode) is handled like SIGINT; Ctrl-D or the end of input is "no answer" (undefined); an abort
 * (SIGTERM, SIGHUP) ends the question.
 */
import {InterruptedError, type SignalExitCode} from '../core/errors.js'

export interface AskOptions {
  signal: AbortSignal
  /** Ctrl-C read by the prompt: raise it like the signal (which aborts `signal`). */
  onCtrlC(): void
}

export async function ask(question: string, o: AskOptions): Promise<string | undefined> {
  const {createInterface} = await import('node:readline')
  if (o.signal.aborted) throw stopped(o.signal)
  const rl = createInterface({input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY)})
  return new Promise<string | undefined>((resolve, reject) => {
    let settled = false
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      o.signal.removeEventListener('abort', onAbort)
      f()
      rl.close()
    }
    const onAbort = () =>
      settle(() => {
        process.stderr.write('\n')
        reject(stopped(o.signal))
      })
    o.signal.addEventListener('abort', onAbort, {once: true})
    rl.on('SIGINT', () => o.onCtrlC())
    rl.on('close', () =>
      settle(() => {
        process.stderr.write('\n')
        resolve(undefined)
      }),
    )
    rl.question(`${question} `, (answer) => settle(() => resolve(answer)))
  })
}

function stopped(signal: AbortSignal): InterruptedError {
  const r = signal.reason instanceof InterruptedError ? signal.reason : undefined
  const code = r?.exitCode as SignalExitCode | undefined
  return new InterruptedError(`${r?.message ?? 'Interrupted'} at the prompt; nothing was changed`, undefined, code)
}
