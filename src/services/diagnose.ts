/**
 * `azdeploy doctor`: reads the Dockerfile at PATH (a file, or a directory holding Dockerfile/Containerfile),
 * notes whether a .dockerignore applies, and runs the pure analyzer — on the Dockerfile, the image config, or both.
 * The registry look-up happens in the command (it needs credentials); this service gets its result.
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {InputError} from '../core/errors.js'
import {analyzeDockerfile, analyzeImageOnly, type Finding, type ImageInfo} from '../doctor/index.js'
import type {ImageInspection} from '../ports/index.js'

export interface DiagnoseFiles {
  isDirectory(path: string): boolean
  exists(path: string): boolean
  read(path: string): string
}

export const nodeFiles: DiagnoseFiles = {
  isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
  exists: (p) => existsSync(p),
  read: (p) => readFileSync(p, 'utf8'),
}

export interface DiagnoseInput {
  /** PATH argument (default `.`), relative to cwd. */
  path: string
  cwd: string
  /** PATH was given on the command line: a missing Dockerfile is then an error even with an image. */
  explicitPath: boolean
  image?: {ref: string; info: ImageInfo}
  configuredPort?: number
  /** ISO date for end-of-life checks; default today. */
  today?: string
}

export interface DiagnoseOutcome {
  /** The Dockerfile read, relative to cwd; absent for an image-only check. */
  dockerfile?: string
  image?: string
  configuredPort?: number
  hasDockerignore?: boolean
  findings: Finding[]
  counts: {error: number; warning: number; info: number}
}

const NAMES = ['Dockerfile', 'dockerfile', 'Containerfile']

/** Converts a registry inspection into what the analyzer reads. */
export function imageInfoFrom(i: Pick<ImageInspection, 'exposedPorts' | 'platforms' | 'config'>): ImageInfo {
  const env: Record<string, string> = {}
  for (const kv of i.config.env ?? []) {
    const eq = kv.indexOf('=')
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  const info: ImageInfo = {exposedPorts: i.exposedPorts, platforms: i.platforms, env}
  if (i.config.user !== undefined) info.user = i.config.user
  if (i.config.cmd) info.cmd = i.config.cmd
  if (i.config.entrypoint) info.entrypoint = i.config.entrypoint
  return info
}

function locate(input: DiagnoseInput, files: DiagnoseFiles): {file: string; context: string} | undefined {
  const p = resolve(input.cwd, input.path)
  if (files.isDirectory(p)) {
    const name = NAMES.find((n) => files.exists(join(p, n)))
    return name ? {file: join(p, name), context: p} : undefined
  }
  return files.exists(p) ? {file: p, context: dirname(p)} : undefined
}

export function diagnose(input: DiagnoseInput, files: DiagnoseFiles = nodeFiles): DiagnoseOutcome {
  const found = locate(input, files)
  const ctx = {
    ...(input.configuredPort !== undefined ? {configuredPort: input.configuredPort} : {}),
    ...(input.today !== undefined ? {today: input.today} : {}),
  }
  let outcome: Omit<DiagnoseOutcome, 'counts'>
  if (found) {
    // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile first, then .dockerignore in the context.
    const hasDockerignore =
      files.exists(`${found.file}.dockerignore`) || files.exists(join(found.context, '.dockerignore'))
    const text = files.read(found.file)
    const findings = analyzeDockerfile(text, {
      ...ctx,
      hasDockerignore,
      ...(input.image ? {image: input.image.info} : {}),
    })
    const rel = found.file.startsWith(`${input.cwd}/`) ? found.file.slice(input.cwd.length + 1) : found.file
    outcome = {dockerfile: rel || basename(found.file), hasDockerignore, findings}
  } else if (input.image && !input.explicitPath) {
    outcome = {findings: analyzeImageOnly(input.image.info, ctx)}
  } else {
    throw new InputError(
      'NO_DOCKERFILE',
      `No Dockerfile at ${input.path}`,
      'Pass the path of a Dockerfile or of the directory holding it, or --image REF to check an image alone',
    )
  }
  if (input.image) outcome.image = input.image.ref
  if (input.configuredPort !== undefined) outcome.configuredPort = input.configuredPort
  const count = (s: Finding['severity']) => outcome.findings.filter((f) => f.severity === s).length
  return {...outcome, counts: {error: count('error'), warning: count('warning'), info: count('info')}}
}
