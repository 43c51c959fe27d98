/**
 * Dockerfile text → the model the rules read. Uses dockerfile-ast for the syntax (continuations, comments, flags,
 * heredocs, JSON arrays) and does the build semantics here: stages and `FROM <stage>` inheritance, ARG scoping
 * (global ARGs only in FROM unless re-declared), ENV/ARG substitution, ENTRYPOINT/CMD combination.
 */
import type {Instruction} from 'dockerfile-ast'
import {baseDefaults} from './data.js'
import {parseImageRef} from './image-ref.js'
import {parseWithinLimits} from './limits.js'
import {expandVars} from './shell.js'
import {buildStart, effectiveArgv, type StartPart} from './start.js'
import type {BaseRef, EnvValue, Expose, ImageInfo, Instr, Model, Word} from './types.js'

interface Stage {
  name?: string
  parent?: number
  base?: BaseRef
  env: Map<string, EnvValue>
  args: Map<string, string | undefined>
  exposes: Expose[]
  user?: {name: string; line: number}
  cmd?: StartPart
  entrypoint?: StartPart
  cmdSet: boolean
  shell?: string[]
  instrs: Instr[]
}

const lineOf = (i: Instruction): number => i.getRange().start.line + 1

function startPart(ins: Instruction): StartPart {
  const line = lineOf(ins)
  const content = ins.getArgumentsContent() ?? ''
  const trimmed = content.trim()
  if (trimmed.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(trimmed)
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string'))
        return {form: 'exec', words: arr.map((text: string) => ({text, line})), line}
    } catch {
      // Docker runs an invalid JSON array as a shell command; so do we.
    }
  }
  const part: StartPart = {form: 'shell', words: [{text: content, line}], line}
  if (trimmed.startsWith('[')) part.malformed = true
  return part
}

function parseExpose(raw: string, line: number): Expose {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(raw)
  if (!m)
    return {
      raw,
      line,
      protocol: 'tcp',
      invalid: raw.includes('$') ? `"${raw}" uses a variable that is not set` : `"${raw}" is not a port`,
    }
  const port = Number(m[1])
  const e: Expose = {raw, line, port, protocol: (m[3] ?? 'tcp').toLowerCase() === 'udp' ? 'udp' : 'tcp'}
  if (m[2] !== undefined) e.portEnd = Number(m[2])
  if (port < 1 || port > 65535 || (e.portEnd !== undefined && (e.portEnd > 65535 || e.portEnd < port)))
    e.invalid = `port ${raw} is outside 1-65535`
  return e
}

export interface ParsedDockerfile {
  model: Model
  hasFrom: boolean
}

export function parseDockerfile(text: string, image?: ImageInfo): ParsedDockerfile {
  const df = parseWithinLimits(text)
  const globalArgs = new Map<string, string | undefined>()
  const stages: Stage[] = []
  const stageByName = new Map<string, number>()
  const model: Model = {
    source: 'dockerfile',
    bases: [],
    env: new Map(),
    args: [],
    envDecls: [],
    exposes: [],
    baseExposes: [],
    finalInstrs: [],
    allInstrs: [],
    malformedStart: [],
  }
  let cur: Stage | undefined
  const resolver = (s: Stage) => (name: string) => {
    const e = s.env.get(name)
    if (e) return e.value
    if (s.args.has(name)) return s.args.get(name) ?? ''
    return undefined
  }
  const sub = (s: Stage, t: string) => expandVars(t, resolver(s))
  const argDecls: Array<{name: string; value?: string; line: number; stage: number}> = []
  const envDecls: Array<{name: string; value: string; line: number; stage: number; literal: boolean}> = []

  for (const ins of df.getInstructions()) {
    const kw = ins.getKeyword()
    const line = lineOf(ins)
    if (kw === 'FROM') {
      const from = ins as unknown as import('dockerfile-ast').From
      const raw = from.getImage() ?? ''
      const ref = expandVars(raw, (n) => (globalArgs.has(n) ? (globalArgs.get(n) ?? '') : undefined))
      const stageName = from.getBuildStage() ?? undefined
      const parentIndex = stageByName.get(ref.toLowerCase())
      const parent = parentIndex === undefined ? undefined : stages[parentIndex]
      const st: Stage = parent
        ? {
            env: new Map(parent.env),
            args: new Map(),
            exposes: [...parent.exposes],
            cmdSet: false,
            instrs: [...parent.instrs],
            ...(parent.base ? {base: parent.base} : {}),
            ...(parent.user ? {user: parent.user} : {}),
            ...(parent.cmd ? {cmd: parent.cmd} : {}),
            ...(parent.entrypoint ? {entrypoint: parent.entrypoint} : {}),
            ...(parent.shell ? {shell: parent.shell} : {}),
          }
        : {env: new Map(), args: new Map(), exposes: [], cmdSet: false, instrs: []}
      if (stageName) {
        st.name = stageName.toLowerCase()
        // The first stage of a name wins when FROM refers to it later (as a lookup of the first match did).
        if (!stageByName.has(st.name)) stageByName.set(st.name, stages.length)
      }
      if (parentIndex !== undefined) st.parent = parentIndex
      if (!parent) {
        const platformRaw = from.getPlatformFlag()?.getValue() ?? undefined
        const base: BaseRef = {
          ref,
          ...parseImageRef(ref),
          line,
          stage: stageName ?? String(stages.length),
          final: false,
          unresolved: ref.includes('${') || ref.includes('$'),
        }
        if (platformRaw) base.platform = platformRaw
        st.base = base
        model.bases.push(base)
      }
      stages.push(st)
      cur = st
      continue
    }
    if (kw === 'ARG') {
      const prop = (ins as unknown as import('dockerfile-ast').Arg).getProperty()
      if (!prop) continue
      const name = prop.getName()
      const rawValue = prop.getValue()
      if (!cur) {
        const v = rawValue === null ? undefined : expandVars(rawValue, (n) => globalArgs.get(n))
        globalArgs.set(name, v)
        argDecls.push({name, line, stage: -1, ...(rawValue !== null ? {value: rawValue} : {})})
        continue
      }
      const v = rawValue === null ? globalArgs.get(name) : sub(cur, rawValue)
      cur.args.set(name, v)
      argDecls.push({name, line, stage: stages.length - 1, ...(rawValue !== null ? {value: rawValue} : {})})
      continue
    }
    if (!cur) continue
    const instr: Instr = {
      keyword: kw,
      line,
      args: ins.getArgumentsContent() ?? '',
      flags:
        'getFlags' in ins
          ? (ins as unknown as import('dockerfile-ast').Run)
              .getFlags()
              .map((f) => `--${f.getName()}=${f.getValue() ?? ''}`)
          : [],
    }
    model.allInstrs.push(instr)
    switch (kw) {
      case 'ENV': {
        const props = (ins as unknown as import('dockerfile-ast').Env).getProperties()
        const resolved: Array<[string, string]> = []
        for (const p of props) {
          const raw = p.getValue() ?? ''
          const quoted = (p.getUnescapedValue() ?? '').startsWith("'")
          const value = quoted ? raw : sub(cur, raw)
          resolved.push([p.getName(), value])
          envDecls.push({name: p.getName(), value, line, stage: stages.length - 1, literal: !/\$/.test(raw)})
        }
        // All properties of one ENV see the values from before it.
        for (const [n, v] of resolved) cur.env.set(n, {value: v, line})
        break
      }
      case 'EXPOSE':
        for (const a of ins.getArguments()) cur.exposes.push(parseExpose(sub(cur, a.getValue()), line))
        break
      case 'USER':
        cur.user = {name: sub(cur, (ins.getArgumentsContent() ?? '').trim()), line}
        break
      case 'CMD':
        cur.cmd = startPart(ins)
        cur.cmdSet = true
        break
      case 'ENTRYPOINT':
        cur.entrypoint = startPart(ins)
        if (!cur.cmdSet) delete cur.cmd
        break
      case 'SHELL': {
        const p = startPart(ins)
        if (p.form === 'exec') cur.shell = p.words.map((w) => w.text)
        break
      }
      default:
        cur.instrs.push(instr)
    }
  }

  const final = stages[stages.length - 1]
  if (!final) return {model, hasFrom: false}
  const finalIndex = stages.length - 1
  if (final.base) final.base.final = true
  const chain = new Set<number>()
  for (let i: number | undefined = finalIndex; i !== undefined && !chain.has(i); i = stages[i]?.parent) chain.add(i)
  const inChain = (i: number) => chain.has(i)
  model.args = argDecls.map((a) => ({
    name: a.name,
    line: a.line,
    final: a.stage >= 0 && inChain(a.stage),
    ...(a.value !== undefined ? {value: a.value} : {}),
  }))
  model.envDecls = envDecls.map((e) => ({
    name: e.name,
    value: e.value,
    line: e.line,
    final: inChain(e.stage),
    literal: e.literal,
  }))

  const defaults = final.base ? baseDefaults(final.base) : {}
  for (const [k, v] of Object.entries(image?.env ?? {})) model.env.set(k, {value: v})
  for (const [k, v] of Object.entries(defaults.env ?? {})) if (!model.env.has(k)) model.env.set(k, {value: v})
  for (const [k, v] of final.env) model.env.set(k, v)
  model.exposes = final.exposes
  model.baseExposes = image?.exposedPorts?.length ? image.exposedPorts : (defaults.exposes ?? [])
  for (const [keyword, p] of [
    ['ENTRYPOINT', final.entrypoint],
    ['CMD', final.cmd],
  ] as const)
    if (p?.malformed && p.line !== undefined)
      model.malformedStart.push({keyword, line: p.line, text: p.words[0]?.text ?? ''})
  if (final.user) model.user = final.user
  else if (image?.user) model.user = {name: image.user}
  model.finalInstrs = final.instrs
  if (image) model.image = image

  const resolve = (n: string) => model.env.get(n)?.value
  if (final.cmd || final.entrypoint) {
    let argv = effectiveArgv(final.entrypoint, final.cmd, final.shell)
    if (!final.entrypoint) {
      const ep = image?.entrypoint ?? defaults.entrypoint
      if (ep?.length) argv = [...ep.map((text): Word => ({text})), ...argv]
    }
    model.start = buildStart(argv, resolve)
  } else if (image && (image.cmd?.length || image.entrypoint?.length)) {
    const argv = [...(image.entrypoint ?? []), ...(image.cmd ?? [])].map((text): Word => ({text}))
    model.start = buildStart(argv, resolve, true)
  }
  return {model, hasFrom: true}
}
