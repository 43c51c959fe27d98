/**
 * `azdeploy doctor`: reads the Dockerfile at PATH (a file, or a directory holding Dockerfile/Containerfile),
 * notes whether a .dockerignore applies, and runs the pure analyzer — on the Dockerfile, the image config, or both.
 * The registry look-up happens in app/diagnose.ts (it needs credentials); this service gets its result.
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, join, relative, resolve, sep} from 'node:path'
import {shownPath} from '../core/display.js'
import {InputError} from '../core/errors.js'
import {
  analyzeDockerfile,
  analyzeImageOnly,
  checkSize,
  DockerfileLimitError,
  eolDataNotice,
  type Finding,
  type ImageInfo,
  MAX_DOCKERFILE_BYTES,
} from '../doctor/index.js'
import type {ImageInspection} from '../ports/index.js'

/** The files doctor reads: the Dockerfile and, for what it COPYs (nginx.conf …), files of the build context. */
export interface DiagnoseFiles {
  isDirectory(path: string): boolean
  exists(path: string): boolean
  read(path: string): string
  /** Size in bytes (checked before reading); undefined when unknown. */
  size?(path: string): number | undefined
}

export const nodeFiles: DiagnoseFiles = {
  isDirectory: (p) => existsSync(p) && statSync(p).isDirectory(),
  exists: (p) => existsSync(p),
  read: (p) => readFileSync(p, 'utf8'),
  size: (p) => (existsSync(p) ? statSync(p).size : undefined),
}

export interface DiagnoseInput {
  /** PATH argument (default `.`), relative to cwd. */
  path: string
  cwd: string
  /** PATH was given on the command line: a missing Dockerfile is then an error even with an image. */
  explicitPath: boolean
  image?: {ref: string; info: ImageInfo}
  configuredPort?: number
  /** ISO date (YYYY-MM-DD) for end-of-life checks and the staleness notice: the caller's clock. */
  today: string
}

export interface DiagnoseOutcome {
  /** The Dockerfile read, relative to cwd; absent for an image-only check. */
  dockerfile?: string
  image?: string
  configuredPort?: number
  hasDockerignore?: boolean
  findings: Finding[]
  counts: {error: number; warning: number; info: number}
  /** Things to know about the check itself (e.g. its end-of-life table is old); absent when none. */
  notices?: string[]
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

/** Reads a build-context file the Dockerfile copies, when it is a plain file inside the context and small. */
function contextReader(context: string, files: DiagnoseFiles): (path: string) => string | undefined {
  return (path) => {
    const p = resolve(context, path)
    const rel = relative(context, p)
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || !files.exists(p) || files.isDirectory(p))
      return undefined
    const size = files.size?.(p)
    if (size !== undefined && size > MAX_DOCKERFILE_BYTES) return undefined
    return files.read(p)
  }
}

function readDockerfile(file: string, shown: string, files: DiagnoseFiles): string {
  try {
    const size = files.size?.(file)
    if (size !== undefined) checkSize(size)
    return files.read(file)
  } catch (e) {
    throw limitError(e, shown)
  }
}

function limitError(e: unknown, shown: string): unknown {
  if (!(e instanceof DockerfileLimitError)) return e
  return new InputError(
    'DOCKERFILE_TOO_LARGE',
    `${shown} ${e.message}`,
    'Check that PATH names the Dockerfile (not a log or a generated file); split an oversized RUN into a script copied into the image',
  )
}

export function diagnose(input: DiagnoseInput, files: DiagnoseFiles = nodeFiles): DiagnoseOutcome {
  const found = locate(input, files)
  const ctx = {
    ...(input.configuredPort !== undefined ? {configuredPort: input.configuredPort} : {}),
    today: input.today,
  }
  let outcome: Omit<DiagnoseOutcome, 'counts'>
  if (found) {
    // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile first, then .dockerignore in the context.
    const hasDockerignore =
      files.exists(`${found.file}.dockerignore`) || files.exists(join(found.context, '.dockerignore'))
    const rel = found.file.startsWith(`${input.cwd}/`) ? found.file.slice(input.cwd.length + 1) : found.file
    const shown = rel || basename(found.file)
    const text = readDockerfile(found.file, shown, files)
    let findings: Finding[]
    try {
      findings = analyzeDockerfile(text, {
        ...ctx,
        hasDockerignore,
        readContextFile: contextReader(found.context, files),
        ...(input.image ? {image: input.image.info} : {}),
      })
    } catch (e) {
      throw limitError(e, shown)
    }
    outcome = {dockerfile: shown, hasDockerignore, findings}
  } else if (input.image && !input.explicitPath) {
    outcome = {findings: analyzeImageOnly(input.image.info, ctx)}
  } else {
    throw new InputError(
      'NO_DOCKERFILE',
      `No Dockerfile at ${shownPath(input.path)}`,
      'Pass the path of a Dockerfile or of the directory holding it, or --image REF to check an image alone',
    )
  }
  if (input.image) outcome.image = input.image.ref
  if (input.configuredPort !== undefined) outcome.configuredPort = input.configuredPort
  const count = (s: Finding['severity']) => outcome.findings.filter((f) => f.severity === s).length
  const notice = eolDataNotice(input.today)
  return {
    ...outcome,
    counts: {error: count('error'), warning: count('warning'), info: count('info')},
    ...(notice ? {notices: [notice]} : {}),
  }
}
