/** logs: written to stdout/stderr (what App Service collects), not to files or /dev/null. */
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {Finding} from '../types.js'

const FILE = rule('logs/file', 'warning', 'logs written to a file in the container instead of stdout/stderr')
const DISCARDED = rule('logs/discarded', 'warning', "the app's output is sent to /dev/null")

const STDIO = /^(-|&[12]|\/dev\/(stdout|stderr|fd\/[12])|\/proc\/(self|1)\/fd\/[12])$/
const LOG_ENV = /(^|_)(LOG_?FILE|LOG_?PATH|LOGFILE|LOG_?DIR|LOG_?FILENAME)$/

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
            `Use \`${l.flag} -\` (stdout/stderr).`,
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
    const install = f.model.finalInstrs.find(
      (i) =>
        i.keyword === 'RUN' &&
        /(apt-get|apt|apk|yum|dnf|microdnf)\s.*\b(install|add)\b.*\b(nginx|apache2|httpd)\b/s.test(i.args),
    )
    if (install)
      out.push(
        finding(
          FILE,
          install.line,
          'nginx/Apache from the distribution packages logs to /var/log/…; App Service only collects stdout/stderr.',
          'Link the logs: `ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log` (or use the official image).',
        ),
      )
  }
  return out
}

export const logsRules: RuleFamily = {rules: [FILE, DISCARDED], check}
