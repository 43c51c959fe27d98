/**
 * The one public entry of the Dockerfile analyzer (nothing outside src/doctor imports its other files).
 * `azdeploy doctor`: finds what makes App Service's HTTP pings fail (wrong port, loopback bind, daemonizing or
 * development start commands …) in a Dockerfile and/or an image config, before a deploy. Pure: no I/O.
 */
import {buildFacts, type RuleFamily} from './facts.js'
import {parseDockerfile} from './parse.js'
import {baseImageRules} from './rules/base-image.js'
import {devserverRules} from './rules/devserver.js'
import {foregroundRules} from './rules/foreground.js'
import {hygieneRules} from './rules/hygiene.js'
import {listenRules} from './rules/listen.js'
import {logsRules} from './rules/logs.js'
import {portRules} from './rules/port.js'
import {buildStart} from './start.js'
import type {AnalyzeContext, Finding, ImageInfo, Model, RuleInfo, Severity} from './types.js'

export {EOL_DATA_CHECKED, EOL_DATA_STALE_MONTHS, eolDataNotice} from './eol.js'
export {formatFindings, summarize, useColor} from './format.js'
/** Inner functions, for the analyzer's own unit tests only: not a stable interface. */
export * as internals from './internals.js'
export {
  checkSize,
  DockerfileLimitError,
  type LimitKind,
  MAX_DOCKERFILE_BYTES,
  MAX_INSTRUCTION_CHARS,
  MAX_INSTRUCTIONS,
} from './limits.js'
export type {AnalyzeContext, BaseRef, Finding, ImageInfo, RuleInfo, Severity} from './types.js'

const FAMILIES: RuleFamily[] = [
  portRules,
  listenRules,
  foregroundRules,
  devserverRules,
  logsRules,
  baseImageRules,
  hygieneRules,
]

const NO_FROM: RuleInfo = {
  id: 'dockerfile/no-from',
  severity: 'error',
  summary: 'the Dockerfile has no FROM instruction',
}

/** Every rule: id, severity and a one-line summary (for README and --help). */
export const RULES: readonly RuleInfo[] = [...FAMILIES.flatMap((f) => f.rules), NO_FROM]

const ORDER: Record<Severity, number> = {error: 0, warning: 1, info: 2}

/** Sorts by severity, then line (findings without a line first), then rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  )
}

function run(model: Model, ctx: AnalyzeContext): Finding[] {
  const facts = buildFacts(model, ctx)
  return sortFindings(FAMILIES.flatMap((f) => f.check(facts)))
}

/** Analyzes a Dockerfile (and, when given, the built image's config from its registry). */
export function analyzeDockerfile(text: string, ctx: AnalyzeContext = {}): Finding[] {
  const {model, hasFrom} = parseDockerfile(text, ctx.image)
  if (!hasFrom)
    return [
      {
        rule: NO_FROM.id,
        severity: NO_FROM.severity,
        message: 'The Dockerfile has no FROM instruction.',
        fix: 'Start it with `FROM <base image>`.',
      },
    ]
  return run(model, ctx)
}

/** Analyzes an image config alone (`doctor --image REF` without a Dockerfile). */
export function analyzeImageOnly(image: ImageInfo, ctx: Omit<AnalyzeContext, 'image'> = {}): Finding[] {
  const model: Model = {
    source: 'image',
    bases: [],
    env: new Map(Object.entries(image.env ?? {}).map(([k, v]) => [k, {value: v}])),
    args: [],
    envDecls: [],
    exposes: [],
    baseExposes: image.exposedPorts,
    finalInstrs: [],
    allInstrs: [],
    malformedStart: [],
    image,
  }
  if (image.user !== undefined && image.user !== '') model.user = {name: image.user}
  const argv = [...(image.entrypoint ?? []), ...(image.cmd ?? [])]
  if (argv.length > 0)
    model.start = buildStart(
      argv.map((text) => ({text})),
      (n) => model.env.get(n)?.value,
    )
  return run(model, {...ctx, image})
}
