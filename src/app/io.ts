/** What an entry point (an oclif command, the GitHub Action) hands the composition root besides its input. */
import type {Reporter} from '../output/reporter.js'
import type {ExitCleanup} from '../ports/cleanup.js'

export interface AppIO {
  cwd: string
  env: Record<string, string | undefined>
  /** Aborted on Ctrl-C (or a runner's cancel), and at the command's deadline (app/deadline.ts). */
  signal: AbortSignal
  /** When the command's deadline passes (epoch ms), once app/deadline.ts set one. */
  deadlineAt?: number
  /** The entry point's own signal (Ctrl-C only), under a deadline: for recovery that must outlive the deadline. */
  outerSignal?: AbortSignal
  reporter: Reporter
  /** Steps that must run should the process have to exit at once (a second signal). */
  cleanup?: ExitCleanup
  /** A person can answer prompts (stdin and stderr are terminals, no --json). */
  interactive: boolean
  /** Consent for a change the user did not spell out: --yes, else a prompt in a terminal, else no. */
  confirm(question: string, yes?: boolean): Promise<boolean>
  /** A line typed at a prompt in a terminal; undefined at end of input (Ctrl-D); null without a terminal. */
  ask?(question: string): Promise<string | undefined | null>
}
