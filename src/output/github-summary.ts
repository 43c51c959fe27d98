/**
 * The job summary (GITHUB_STEP_SUMMARY) of a deploy, as markdown, and the step outputs of a deploy. Every value
 * that came from Azure, a registry or the user is escaped: it reaches the page as text, never as markup. Pure.
 */

/** What the summary reads of a deploy's outcome (structurally the DeployOutcome of services/deploy.ts). */
export interface DeployReport {
  app: string
  resourceGroup: string
  slot?: string | undefined
  url: string | null
  image: string
  digest: string
  release?: number | string | null | undefined
  previousRelease?: number | string | null | undefined
  changed: boolean
  dryRun: boolean
  changes: Array<{action: string; resource: string; reason: string}>
  health: string
  healthEvidence?: string[] | undefined
  timings: Record<string, number>
}

const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!|~<>&"']/g
const HTML: Record<string, string> = {'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;'}

/** Text that renders as itself in GitHub markdown (inline, one line; table cells included). */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(MD_SPECIAL, (c) => HTML[c] ?? `\\${c}`)
    .trim()
}

/** An inline code span whose fence is longer than any backtick run inside it. */
export function mdCode(s: string): string {
  const one = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '¦')
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${one.startsWith('`') || one.endsWith('`') ? ` ${one} ` : one}${fence}`
}

/** A link only for a plain https URL (scheme, host, optional port and path); anything else is text. */
function mdUrl(url: string): string {
  return /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/.test(url) ? `[${mdText(url)}](${url})` : mdText(url)
}

const present = (v: number | string | null | undefined): v is number | string =>
  v !== null && v !== undefined && v !== ''

/** A word a POSIX shell reads back unchanged. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9._/=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** The exact command that rolls back to the previous release (null on a first deploy). */
export function rollbackCommand(r: DeployReport): string | null {
  if (!present(r.previousRelease)) return null
  const slot = r.slot ? ` --slot ${shellWord(r.slot)}` : ''
  return `azdeploy rollback --app ${shellWord(r.app)} --resource-group ${shellWord(r.resourceGroup)}${slot} --to ${shellWord(String(r.previousRelease))}`
}

function verdict(r: DeployReport): string {
  if (r.dryRun) return 'dry run: nothing deployed'
  switch (r.health) {
    case 'serving':
      return '✅ serving: the new container is proven to answer'
    case 'unchanged':
      return 'unchanged: the app already ran this image and settings'
    case 'not-checked':
      return '⚠️ not checked: azdeploy did not wait for the new container'
    default:
      return mdText(r.health)
  }
}

function headline(r: DeployReport): string {
  const target = mdText(r.slot ? `${r.app}/${r.slot}` : r.app)
  if (r.dryRun) return `### azdeploy: dry run for ${target}`
  return r.changed ? `### azdeploy: deployed ${target}` : `### azdeploy: ${target} unchanged`
}

/** The markdown appended to GITHUB_STEP_SUMMARY after a deploy. */
export function deploySummary(r: DeployReport): string {
  const rows: Array<[string, string]> = [
    [
      'App',
      `${mdText(r.app)}${r.slot ? ` (slot ${mdText(r.slot)})` : ''} in resource group ${mdText(r.resourceGroup)}`,
    ],
    ['URL', r.url ? mdUrl(r.url) : 'none yet'],
    ['Image', mdCode(r.image)],
    ['Digest', mdCode(r.digest)],
    ['Release', present(r.release) ? mdText(String(r.release)) : 'not recorded'],
    ['Previous release', present(r.previousRelease) ? mdText(String(r.previousRelease)) : 'none (first release)'],
    ['Health', verdict(r)],
  ]
  const out = [headline(r), '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '']
  if (r.healthEvidence && r.healthEvidence.length > 0) {
    out.push('**Health evidence**', '', ...r.healthEvidence.map((e) => `- ${mdText(e)}`), '')
  }
  const stages = Object.entries(r.timings)
  if (stages.length > 0) {
    out.push('| Stage | Time |', '|---|---:|')
    for (const [stage, ms] of stages) out.push(`| ${mdText(stage)} | ${(ms / 1000).toFixed(1)} s |`)
    out.push('')
  }
  out.push(r.dryRun ? '**Planned changes**' : '**Changes**', '')
  if (r.changes.length === 0) out.push('No changes: Azure already matched.')
  else for (const c of r.changes) out.push(`- ${mdText(c.action)} ${mdCode(c.resource)}: ${mdText(c.reason)}`)
  out.push('')
  const rollback = rollbackCommand(r)
  if (rollback) out.push('**Roll back**', '', '```sh', rollback, '```', '')
  return `${out.join('\n')}\n`
}

/** A failed step's summary: what failed and the hint. */
export function failureSummary(o: {message: string; code: string; hint?: string | undefined; stage?: string}): string {
  const out = [
    `### azdeploy: failed${o.stage ? ` during ${mdText(o.stage)}` : ''}`,
    '',
    `**${mdText(o.code)}**: ${mdText(o.message)}`,
  ]
  if (o.hint) out.push('', `Try: ${mdText(o.hint)}`)
  return `${out.join('\n')}\n\n`
}

/** The step outputs of a deploy; `previous-release` is always there (empty on a first deploy). */
export function deployOutputs(r: DeployReport): Record<string, string> {
  return {
    url: r.url ?? '',
    image: r.image,
    digest: r.digest,
    release: present(r.release) ? String(r.release) : '',
    'previous-release': present(r.previousRelease) ? String(r.previousRelease) : '',
  }
}
