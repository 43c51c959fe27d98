/**
 * `doctor`'s checks on the image's own config (start command, port, platform), before any write: error-level
 * findings stop a deploy (unless --force); a dry run shows every finding beside the plan instead of stopping.
 */
import type {Finding} from '../doctor/index.js'
import type {Reporter} from '../output/reporter.js'
import {gateErrors, stopOnDoctorErrors} from './doctor-gate.js'
import type {ResolvedImage} from './resolve-image.js'

/** A doctor finding as `up` reports it: on the image (`doctor --image`) or on the Dockerfile it built. */
export interface DeployFinding extends Finding {
  source: 'image' | 'dockerfile'
  /** The Dockerfile's path (source `dockerfile`) or the image reference (source `image`). */
  subject: string
}

/** The analyzer and the image facts it reads, loaded off the critical path. */
export type DoctorLoader = () => Promise<{
  analyzeImageOnly: typeof import('../doctor/index.js').analyzeImageOnly
  imageInfoFrom: typeof import('./diagnose.js').imageInfoFrom
  formatFindings: typeof import('../doctor/index.js').formatFindings
}>

export const loadDoctor: DoctorLoader = () =>
  Promise.all([import('../doctor/index.js'), import('./diagnose.js')]).then(([d, g]) => ({
    analyzeImageOnly: d.analyzeImageOnly,
    imageInfoFrom: g.imageInfoFrom,
    formatFindings: d.formatFindings,
  }))

/** Every finding on the image; throws on error-level ones unless --force or a dry run. */
export function preflightImage(
  image: ResolvedImage,
  o: {force: boolean; dryRun: boolean},
  out: Reporter,
  {analyzeImageOnly, imageInfoFrom}: Awaited<ReturnType<DoctorLoader>>,
): DeployFinding[] {
  const findings = analyzeImageOnly(
    imageInfoFrom(image.inspection),
    image.port !== undefined ? {configuredPort: image.port} : {},
  )
  const errors = gateErrors(findings, image.port !== undefined)
  if (!o.dryRun)
    stopOnDoctorErrors(
      'The image',
      errors.map((f) => `${f.rule}: ${f.message} (fix: ${f.fix})`),
      o.force,
      out,
    )
  // An explicit port wins over EXPOSE (a warning of its own): not a finding that would stop the deploy.
  const shown = findings.filter((f) => !(image.port !== undefined && f.rule === 'port/expose-mismatch'))
  return shown.map((f) => ({...f, source: 'image' as const, subject: image.display}))
}

/** Human output of a dry run: the findings after the plan, and whether they would stop the deploy. */
export function reportFindings(
  findings: readonly DeployFinding[],
  force: boolean,
  out: Reporter,
  {formatFindings}: Pick<Awaited<ReturnType<DoctorLoader>>, 'formatFindings'>,
): void {
  for (const subject of [...new Set(findings.map((f) => `${f.source}\u0000${f.subject}`))]) {
    const [source, name] = subject.split('\u0000') as ['image' | 'dockerfile', string]
    const mine = findings.filter((f) => f.source === source && f.subject === name)
    const file = source === 'image' ? `image ${name}` : name
    out.info(`Doctor's findings on ${file}:`)
    for (const line of formatFindings(mine, {file}).trimEnd().split('\n')) out.info(line ? `  ${line}` : '')
  }
  if (findings.length === 0) out.info("Doctor's findings: none.")
  const errors = findings.filter((f) => f.severity === 'error').length
  if (errors > 0 && !force)
    out.warn(`${errors} error-level finding${errors === 1 ? '' : 's'} would stop this deploy (--force deploys anyway)`)
}
