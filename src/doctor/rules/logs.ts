/** logs: written to stdout/stderr (what App Service collects), not to files or /dev/null. */
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {Finding} from '../types.js'

const FILE = rule('logs/file', 'warning', 'logs written to a file in the container instead of stdout/stderr')
const DISCARDED = rule('logs/discarded', 'warning', "the app's output is sent to /dev/null")

const STDIO = /^(-|&[12]|\/dev\/(stdout|stderr|fd\/[12])|\/proc\/(self|1)\/fd\/[12])$/
const LOG_ENV = /(^|_)(LOG_?FILE|LOG_?PATH|LOGFILE|LOG_?DIR|LOG_?FILENAME)$/

/** Finds `re` (a global regex) at or after `from`: one linear scan, no backtracking across the three parts. */
function indexAfter(re: RegExp, text: string, from: number): number {
  re.lastIndex = from
  const m = re.exec(text)
  return m ? m.index + m[0].length : -1
}

const PACKAGE_MANAGER = /(apt-get|apt|apk|yum|dnf|microdnf)\s/g
const INSTALL = /\b(install|add)\b/g
const WEB_SERVER = /\b(nginx|apache2|httpd)\b/g

/**
 * `apt-get … install … nginx` in that order. Three successive searches instead of one `a.*b.*c` pattern, whose
 * backtracking is cubic in the RUN's length (a 24 KB RUN took 37 s).
 */
export function installsWebServer(text: string): boolean {
  const pm = indexAfter(PACKAGE_MANAGER, text, 0)
  const install = pm < 0 ? -1 : indexAfter(INSTALL, text, pm)
  return install >= 0 && indexAfter(WEB_SERVER, text, install) >= 0
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  for (const {proc, server} of f.running) {
    const long = server.kind !== 'oneshot'
    for (const r of proc.redirects) {
      if (STDIO.test(r.target) || r.target === '') continue
      const what = r.fd === '2' ? 'stderr' : r.fd === '1' ? 'stdout' : 'stdout and stderr'
      if (r.target === '/dev/null') {
        if (long)
          out.push(
            finding(
              DISCARDED,
              proc.line,
              `${server.name}'s ${what} goes to /dev/null: nothing reaches App Service's log stream.`,
              'Remove the redirection.',
            ),
          )
      } else
        out.push(
          finding(
            FILE,
            proc.line,
            `${server.name}'s ${what} is written to ${r.target}: App Service only collects stdout/stderr.`,
            'Remove the redirection and let the process write to stdout/stderr.',
          ),
        )
    }
    for (const l of server.logFiles) {
      if (STDIO.test(l.path)) continue
      if (l.path === '/dev/null')
        out.push(
          finding(
            DISCARDED,
            proc.line,
            `${server.name} ${l.flag} /dev/null discards its logs.`,
            `Use \`${l.flag} -\` (stdout/stderr).`,
          ),
        )
      else
        out.push(
          finding(
            FILE,
            proc.line,
            `${server.name} ${l.flag} ${l.path} writes logs to a file App Service does not collect.`,
            l.fix ?? `Use \`${l.flag} -\` (stdout/stderr).`,
          ),
        )
    }
  }
  for (const [name, {value, line}] of f.model.env) {
    if (LOG_ENV.test(name) && /^(\/|\.\/)/.test(value) && !STDIO.test(value))
      out.push(
        finding(
          FILE,
          line,
          `${name}=${value} points the app's logs at a file App Service does not collect.`,
          `Set ${name}=/dev/stdout, or log to stdout.`,
        ),
      )
  }
  // nginx/Apache installed from distribution packages log to /var/log unless linked to stdout.
  const runsWeb = f.running.find(
    (r) =>
      /^(nginx|httpd|apache2|apachectl|apache2ctl|service)$/.test(r.server.name.split(' ')[0]!) &&
      /nginx|apache|httpd/.test(r.proc.text),
  )
  if (runsWeb && !f.defaults.stdoutLogs && !/\/dev\/std(out|err)|\/proc\/self\/fd|access_log\s+off/.test(f.buildText)) {
    const install = f.model.finalInstrs.find((i) => i.keyword === 'RUN' && installsWebServer(i.args))
    if (install) {
      const apache = !/nginx/.test(runsWeb.proc.text)
      const dir = /\bhttpd\b/.test(runsWeb.proc.text) ? '/var/log/httpd' : '/var/log/apache2'
      out.push(
        finding(
          FILE,
          install.line,
          `${apache ? 'Apache' : 'nginx'} from the distribution packages logs to /var/log/…; App Service only collects stdout/stderr.`,
          apache
            ? `Link the logs: \`ln -sf /proc/self/fd/1 ${dir}/access.log && ln -sf /proc/self/fd/2 ${dir}/error.log\` (or use the official httpd image).`
            : 'Link the logs: `ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log` (or use the official image).',
        ),
      )
    }
  }
  return out
}

export const logsRules: RuleFamily = {rules: [FILE, DISCARDED], check}
