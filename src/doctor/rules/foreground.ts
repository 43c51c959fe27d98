/** foreground: one process, in the foreground, that is the app; no daemons, `&`, keep-alives or supervisors. */
import {type Facts, finding, type RuleFamily, type Running, rule} from '../facts.js'
import type {Finding} from '../types.js'

const DAEMON = rule(
  'foreground/daemon',
  'error',
  'the start command daemonizes the app (service … start, nginx without daemon off, pm2 start …)',
)
const BACKGROUND = rule(
  'foreground/background',
  'error',
  "the app is started with `&`: it is not the container's foreground process",
)
const KEEPALIVE = rule(
  'foreground/keepalive',
  'warning',
  '`tail -f /dev/null` or `sleep infinity` keeps the container up instead of the app',
)
const MULTIPLE = rule('foreground/multiple-processes', 'warning', 'several long-running processes in one container')
const NO_START = rule(
  'foreground/no-start',
  'error',
  'no CMD or ENTRYPOINT, and the base image only starts a shell or REPL',
)
const PACKAGE_MANAGER = rule(
  'foreground/package-manager',
  'info',
  '`npm start` keeps npm as the parent process, which does not pass on SIGTERM',
)

const MALFORMED_EXEC = rule(
  'foreground/malformed-exec-form',
  'error',
  'CMD/ENTRYPOINT starts with `[` but is not a valid JSON array: Docker runs it as a shell command',
)

const isLong = (r: Running) => r.server.kind !== 'oneshot'

function malformed(f: Facts): Finding[] {
  return f.model.malformedStart.map((m) => {
    const shown = m.text.length > 80 ? `${m.text.slice(0, 77)}…` : m.text
    return finding(
      MALFORMED_EXEC,
      m.line,
      `${m.keyword} ${shown} is not a valid JSON array, so Docker runs it through /bin/sh -c as written: the container runs \`[\` (the test command) and exits.`,
      `Write a JSON array of double-quoted strings separated by commas, e.g. \`${m.keyword} ["node", "server.js"]\`.`,
    )
  })
}

function check(f: Facts): Finding[] {
  const out: Finding[] = malformed(f)
  const start = f.model.start
  if (!start) {
    if (f.defaults.noServer && f.finalBase && !f.model.image)
      out.push(
        finding(
          NO_START,
          f.finalBase.line,
          `No CMD or ENTRYPOINT: ${f.finalBase.ref} starts a shell or an interpreter, which exits at once without a terminal.`,
          'Add a CMD that starts the server in the foreground, e.g. `CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]`.',
        ),
      )
    return out
  }
  const runs = f.running
  const main = f.main
  const mainIsApp = main !== undefined && main.server.kind !== 'keepalive' && !main.server.daemon
  let multipleAt: number | undefined
  let multipleWhat: string[] = []
  const noteMultiple = (r: Running) => {
    multipleAt ??= r.proc.line
    multipleWhat.push(r.server.name)
  }

  for (const r of runs) {
    const {server, proc} = r
    if (server.daemon && !(server.ssh && mainIsApp)) {
      if (mainIsApp && r !== main) noteMultiple(r)
      else
        out.push(
          finding(
            DAEMON,
            proc.line,
            `${server.daemon.why}; the container has no foreground app process.`,
            server.daemon.fix,
          ),
        )
    } else if (proc.background && isLong(r) && !server.ssh) {
      if (mainIsApp) noteMultiple(r)
      else
        out.push(
          finding(
            BACKGROUND,
            proc.line,
            `\`${proc.text}\` runs in the background (\`&\`): ${main ? 'only a keep-alive' : 'nothing'} stays in the foreground, so crashes go unnoticed${main ? '' : ' and the container exits'}.`,
            'Run the app as the last command, in the foreground, with `exec`.',
          ),
        )
    } else if (server.kind === 'supervisor') {
      multipleAt ??= proc.line
      multipleWhat.push(server.name)
    }
    if (server.kind === 'keepalive' && !proc.background)
      out.push(
        finding(
          KEEPALIVE,
          proc.line,
          `\`${proc.text}\` keeps the container running whether or not the app is alive.`,
          'Start the app itself as the foreground process (with `exec`) and drop the keep-alive.',
        ),
      )
  }
  if (multipleWhat.length > 0) {
    if (main && mainIsApp && !multipleWhat.includes(main.server.name) && main.server.kind !== 'supervisor')
      multipleWhat = [...multipleWhat, main.server.name]
    const what =
      multipleWhat.length === 1 ? `${multipleWhat[0]} runs several programs` : `it runs ${multipleWhat.join(', ')}`
    out.push(
      finding(
        MULTIPLE,
        multipleAt,
        `Several long-running processes in one container (${what}); App Service restarts the container only when the foreground one dies.`,
        'Run one process per container: split the others into their own apps (or sidecars), or schedule them elsewhere.',
      ),
    )
  }
  if (main?.server.packageManager)
    out.push(
      finding(
        PACKAGE_MANAGER,
        main.proc.line,
        `\`${main.server.packageManager}\` keeps the package manager as the parent process; it does not pass SIGTERM on, so stops are slow and unclean.`,
        'Start the app with node directly, e.g. `CMD ["node", "server.js"]`.',
      ),
    )
  return out
}

export const foregroundRules: RuleFamily = {
  rules: [DAEMON, BACKGROUND, KEEPALIVE, MULTIPLE, NO_START, PACKAGE_MANAGER, MALFORMED_EXEC],
  check,
}
