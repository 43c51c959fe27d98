/** The analysed start command and context that every rule family reads. */
import {copiedFiles} from './copied.js'
import {type BaseDefaults, baseDefaults, imageKey} from './data.js'
import {analyzeProc, type Server, type ServerCtx} from './servers/index.js'
import type {AnalyzeContext, BaseRef, Finding, Model, Proc, RuleInfo, Severity} from './types.js'

export interface Running {
  proc: Proc
  server: Server
}

export interface Facts {
  model: Model
  ctx: AnalyzeContext
  today: string
  running: Running[]
  /** The command left in the foreground at the end: what keeps the container alive. */
  main?: Running
  finalBase?: BaseRef
  defaults: BaseDefaults
  buildText: string
}

export type Check = (f: Facts) => Finding[]

export interface RuleFamily {
  rules: RuleInfo[]
  check: Check
}

export function buildFacts(model: Model, ctx: AnalyzeContext): Facts {
  const finalBase = model.bases.find((b) => b.final)
  const defaults = finalBase ? baseDefaults(finalBase) : {}
  const buildText = model.finalInstrs.map((i) => `${i.keyword} ${i.args}`).join('\n')
  const env = (n: string) => model.env.get(n)?.value
  const nginxConfs = copiedFiles(
    model.finalInstrs,
    (p) => /^\/etc\/nginx\/.*\.conf$|(^|\/)nginx[^/]*\.conf$/.test(p),
    ctx.readContextFile,
  )
  const serverCtx: ServerCtx = {
    env,
    buildText,
    nginxConfs,
    ...(defaults.stdoutLogs ? {stdoutLogs: true} : {}),
    ...(finalBase && imageKey(finalBase) === 'busybox' ? {busybox: true} : {}),
    ...(defaults.dotnetVersion !== undefined ? {dotnetVersion: defaults.dotnetVersion} : {}),
  }
  const running = (model.start?.procs ?? []).map((proc) => ({proc, server: analyzeProc(proc, serverCtx)}))
  let main: Running | undefined
  for (let i = running.length - 1; i >= 0; i--) {
    const r = running[i]!
    if (r.proc.background) break
    if (r.server.kind !== 'oneshot') {
      main = r
      break
    }
  }
  const today = ctx.today ?? new Date().toISOString().slice(0, 10)
  const f: Facts = {model, ctx, today, running, defaults, buildText}
  if (main) f.main = main
  if (finalBase) f.finalBase = finalBase
  return f
}

/** Builds a finding, leaving out an undefined line. */
export function finding(rule: RuleInfo, line: number | undefined, message: string, fix: string): Finding {
  return line !== undefined
    ? {rule: rule.id, severity: rule.severity, line, message, fix}
    : {rule: rule.id, severity: rule.severity, message, fix}
}

export function rule(id: string, severity: Severity, summary: string): RuleInfo {
  return {id, severity, summary}
}
