/** hygiene: package caches, ADD, root, secrets in ENV/ARG, .dockerignore. */
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {Finding} from '../types.js'

const CACHE = rule('hygiene/package-cache', 'info', 'a package manager cache is left in the final image')
const ADD = rule('hygiene/add', 'info', '`ADD` of local files where `COPY` does the job')
const ROOT = rule('hygiene/root', 'info', 'the container runs as root')
const SECRET_ENV = rule('hygiene/secret-env', 'warning', 'a secret-looking value in ENV (stored in the image)')
const SECRET_ARG = rule('hygiene/secret-arg', 'warning', 'a secret passed as a build ARG (kept in the image history)')
const DOCKERIGNORE = rule(
  'hygiene/no-dockerignore',
  'warning',
  'no .dockerignore while the whole build context is copied',
)

const SECRET_WORDS =
  /^(PASSWORD|PASSWD|PASS|SECRET|TOKEN|APIKEY|API_KEY|ACCESS_KEY|PRIVATE_KEY|CLIENT_SECRET|CONNECTION_STRING|CONNSTR|CREDENTIALS?|AUTH)$/
const NOT_SECRET_SUFFIX =
  /_(FILE|PATH|DIR|URL|URI|HOST|PORT|NAME|ENDPOINT|HEADER|LENGTH|TTL|EXPIRY|TIMEOUT|ENABLED|TYPE|ID)$/
const SECRET_VALUE =
  /-----BEGIN [A-Z ]*PRIVATE KEY|AccountKey=[A-Za-z0-9+/=]{20,}|SharedAccessKey=|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bxox[baprs]-[A-Za-z0-9-]{10,}|\bsk_live_[0-9a-zA-Z]{10,}/

export function secretName(name: string): boolean {
  const n = name.toUpperCase()
  if (NOT_SECRET_SUFFIX.test(n) || n === 'PWD') return false
  const parts = n.split('_')
  for (let i = 0; i < parts.length; i++) {
    if (SECRET_WORDS.test(parts[i]!)) return true
    if (i + 1 < parts.length && SECRET_WORDS.test(`${parts[i]}_${parts[i + 1]}`)) return true
  }
  return /(PASSWORD|SECRET|TOKEN|APIKEY)$/.test(n)
}

function cacheLeft(text: string, pipNoCache: boolean): string[] {
  const out: string[] = []
  if (/\bapt(-get)?\s+(-\S+\s+)*install\b/.test(text) && !/\/var\/lib\/apt\/lists/.test(text))
    out.push('apt (rm -rf /var/lib/apt/lists/*)')
  if (/\bapk\s+(-\S+\s+)*add\b/.test(text) && !/--no-cache|\/var\/cache\/apk/.test(text)) out.push('apk (--no-cache)')
  if (
    /\b(pip3?|pip3\.\d+|python3?(\.\d+)? -m pip)\s+install\b/.test(text) &&
    !pipNoCache &&
    !/--no-cache-dir|pip cache purge|rm -rf \S*\.cache\/pip/.test(text)
  )
    out.push('pip (--no-cache-dir)')
  if (
    /\b(yum|dnf|microdnf)\s+(-\S+\s+)*install\b/.test(text) &&
    !/\b(yum|dnf|microdnf) clean all|\/var\/cache\/(yum|dnf)/.test(text)
  )
    out.push('yum/dnf (clean all)')
  return out
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  const pipNoCache = /^(1|true|on|yes|off)$/i.test(f.model.env.get('PIP_NO_CACHE_DIR')?.value ?? '')
  for (const i of f.model.finalInstrs) {
    if (i.keyword !== 'RUN' || i.flags.some((x) => /type=cache/.test(x))) continue
    const left = cacheLeft(i.args, pipNoCache)
    if (left.length > 0)
      out.push(
        finding(
          CACHE,
          i.line,
          `RUN leaves package caches in the image: ${left.join(', ')}.`,
          `Clean up in the same RUN: ${left.join('; ')}.`,
        ),
      )
  }
  for (const i of f.model.allInstrs) {
    if (i.keyword !== 'ADD') continue
    const words = i.args.split(/\s+/).filter(Boolean)
    const sources = words.slice(0, -1)
    if (words[0]?.startsWith('[')) continue
    if (
      sources.length > 0 &&
      sources.every((s) => !/^(https?|git):\/\/|^git@|\.(tar|tgz|tar\.(gz|bz2|xz|zst))$/.test(s))
    )
      out.push(
        finding(
          ADD,
          i.line,
          `ADD ${i.args}: ADD also fetches URLs and unpacks archives; for plain files COPY says what it does.`,
          `COPY ${i.args}`,
        ),
      )
  }
  const user = f.model.user
  const rootUser =
    user === undefined ? !f.defaults.nonRoot : /^(root|0)(:(root|0))?$/.test(user.name) || user.name === ''
  if (rootUser && f.finalBase?.repo !== 'scratch')
    out.push(
      finding(
        ROOT,
        user?.line,
        user ? `USER ${user.name}: the app runs as root.` : 'No USER: the app runs as root.',
        'Create an unprivileged user and switch to it: `RUN useradd -r app` … `USER app` (App Service SSH needs root only for sshd).',
      ),
    )
  for (const e of f.model.envDecls) {
    const byValue = SECRET_VALUE.test(e.value)
    if (!byValue && !secretName(e.name)) continue
    if (e.literal && !byValue && (e.value === '' || /^(changeme|xxx+|<.*>|\*+)$/i.test(e.value))) continue
    // A value taken from a build ARG matters only where it lands in the final image.
    if (!e.literal && !e.final) continue
    out.push(
      finding(
        SECRET_ENV,
        e.line,
        `ENV ${e.name} holds a secret ${e.literal ? 'written in the Dockerfile' : 'copied from a build ARG'}; anyone who can pull the image can read it.`,
        'Remove it from the image and set it as an App Service app setting (or a Key Vault reference).',
      ),
    )
  }
  for (const a of f.model.args) {
    if (!secretName(a.name)) continue
    if (!a.final && a.value === undefined) continue
    out.push(
      finding(
        SECRET_ARG,
        a.line,
        `ARG ${a.name}${a.value !== undefined ? ' has a default value and' : ''} ends up in the image history (docker history shows build args).`,
        'Use a BuildKit secret: `RUN --mount=type=secret,id=' +
          a.name.toLowerCase() +
          ' …` and `docker build --secret`.',
      ),
    )
  }
  for (const [name, value] of Object.entries(f.model.source === 'image' ? (f.ctx.image?.env ?? {}) : {})) {
    if (value !== '' && (secretName(name) || SECRET_VALUE.test(value)))
      out.push(
        finding(
          SECRET_ENV,
          undefined,
          `The image's environment holds ${name}, which looks like a secret.`,
          'Rebuild without it and set it as an app setting.',
        ),
      )
  }
  if (f.ctx.hasDockerignore === false) {
    const wide = f.model.allInstrs.find(
      (i) =>
        (i.keyword === 'COPY' || i.keyword === 'ADD') &&
        !i.flags.some((x) => x.startsWith('--from=')) &&
        /^(\.\/?|\*)\s/.test(i.args.trim()),
    )
    if (wide)
      out.push(
        finding(
          DOCKERIGNORE,
          wide.line,
          `${wide.keyword} ${wide.args} copies the whole build context, and there is no .dockerignore: .git, .env files and local dependencies go into the image.`,
          'Add a .dockerignore (e.g. .git, .env*, node_modules, __pycache__, bin/, obj/).',
        ),
      )
  }
  return out
}

export const hygieneRules: RuleFamily = {rules: [CACHE, ADD, ROOT, SECRET_ENV, SECRET_ARG, DOCKERIGNORE], check}
