/** `up`'s use of doctor: error-level findings stop the deploy before any write, unless --force. */
import {AzdeployError, ExitCode} from '../core/errors.js'
import type {Reporter} from '../output/reporter.js'

export function stopOnDoctorErrors(subject: string, lines: string[], force: boolean, out: Reporter): void {
  if (lines.length === 0) return
  if (force) {
    for (const l of lines) out.warn(`ignored with --force: ${l}`)
    return
  }
  throw new AzdeployError(
    'DOCTOR_FINDINGS',
    ExitCode.InvalidInput,
    `${subject} would not start on App Service:\n  ${lines.join('\n  ')}`,
    'Fix it (`azdeploy doctor` explains each finding), or pass --force to deploy anyway',
  )
}

/**
 * An explicit port (--port, AZDEPLOY_PORT, azdeploy.yml) wins over the image's EXPOSE: `up` warns about that
 * (services/resolve-image.ts) instead of stopping on doctor's port/expose-mismatch.
 */
export function gateErrors<F extends {rule: string; severity: string}>(
  findings: readonly F[],
  explicitPort: boolean,
): F[] {
  return findings.filter((f) => f.severity === 'error' && !(explicitPort && f.rule === 'port/expose-mismatch'))
}
