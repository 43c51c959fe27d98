/** `doctor`'s error-level checks on the image's own config (start command, port, platform), before any write. */
import type {Reporter} from '../output/reporter.js'
import {gateErrors, stopOnDoctorErrors} from './doctor-gate.js'
import type {ResolvedImage} from './resolve-image.js'

/** The analyzer and the image facts it reads, loaded off the critical path. */
export type DoctorLoader = () => Promise<{
  analyzeImageOnly: typeof import('../doctor/index.js').analyzeImageOnly
  imageInfoFrom: typeof import('./diagnose.js').imageInfoFrom
}>

export const loadDoctor: DoctorLoader = () =>
  Promise.all([import('../doctor/index.js'), import('./diagnose.js')]).then(([d, g]) => ({
    analyzeImageOnly: d.analyzeImageOnly,
    imageInfoFrom: g.imageInfoFrom,
  }))

export function preflightImage(
  image: ResolvedImage,
  force: boolean,
  out: Reporter,
  {analyzeImageOnly, imageInfoFrom}: Awaited<ReturnType<DoctorLoader>>,
): void {
  const findings = analyzeImageOnly(
    imageInfoFrom(image.inspection),
    image.port !== undefined ? {configuredPort: image.port} : {},
  )
  const errors = gateErrors(findings, image.port !== undefined)
  stopOnDoctorErrors(
    'The image',
    errors.map((f) => `${f.rule}: ${f.message} (fix: ${f.fix})`),
    force,
    out,
  )
}
