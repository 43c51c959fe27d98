/** What an entry point (an oclif command, the GitHub Action) hands the composition root besides its input. */
import type {Reporter} from '../output/reporter.js'

export interface AppIO {
  cwd: string
  env: Record<string, string | undefined>
  /** Aborted on Ctrl-C (or a runner's cancel). */
  signal: AbortSignal
  reporter: Reporter
  /** A person can answer prompts (stdin and stderr are terminals, no --json). */
  interactive: boolean
  /** Consent for a change the user did not spell out: --yes, else a prompt in a terminal, else no. */
  confirm(question: string, yes?: boolean): Promise<boolean>
  /** A line typed at a prompt in a terminal, or null without one. */
  ask?(question: string): Promise<string | null>
}
