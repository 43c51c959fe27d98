/**
 * Steps that must run even when azdeploy has to exit at once (a second Ctrl-C, SIGTERM after SIGINT, a crash):
 * removing a container it started, deleting a temp file holding setting values. The command shell (cli/) owns the
 * registry and runs what is registered, synchronously, on the way out; services and adapters register through
 * this port and remove their step once they cleaned up the normal (asynchronous) way.
 */
export interface ExitCleanup {
  /**
   * Registers a synchronous step; `describe` says what it did, for the last message (e.g. "removed the local
   * container azdeploy-local-api"). Returns the function that unregisters it.
   */
  onExit(step: () => void, describe?: string): () => void
}

/** For callers without a shell (tests, library use): registers nothing. */
export const noExitCleanup: ExitCleanup = {onExit: () => () => {}}
