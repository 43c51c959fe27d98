/** Shared types of the `doctor` analyzer. Pure: no I/O. */

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  /** `family/name`, e.g. `port/no-expose`; see RULES. */
  rule: string
  severity: Severity
  /** 1-based Dockerfile line of the instruction; absent for image-only findings. */
  line?: number
  message: string
  fix: string
}

export interface RuleInfo {
  id: string
  severity: Severity
  summary: string
}

/** The parts of an image's config (and manifest list) the analyzer uses. */
export interface ImageInfo {
  exposedPorts: number[]
  /** `os/arch[/variant]` of every manifest in the list, e.g. `linux/amd64`. Empty when unknown. */
  platforms: string[]
  user?: string
  env?: Record<string, string>
  cmd?: string[]
  entrypoint?: string[]
}

export interface AnalyzeContext {
  /** The port azdeploy will set as WEBSITES_PORT (from azdeploy.yml or --port). */
  configuredPort?: number
  /** Whether a .dockerignore sits beside the build context; undefined = unknown (no finding). */
  hasDockerignore?: boolean
  /** The built image's config, when it was fetched from its registry. */
  image?: ImageInfo
  /** ISO date that end-of-life dates are compared with; defaults to the current date. */
  today?: string
  /**
   * Reads a file of the build context by the path a COPY/ADD names (relative to the context), so that copied
   * configuration (nginx.conf …) is analysed too; undefined when the file is not there (or not readable).
   */
  readContextFile?: (path: string) => string | undefined
}

/** A word of the start command with the Dockerfile line it came from. */
export interface Word {
  text: string
  line?: number
}

/** One simple command of the start command, after wrappers (exec, nohup, tini …) are peeled off. */
export interface Proc {
  argv: string[]
  line?: number
  /** Followed by `&`. */
  background: boolean
  /** Run under `nohup`. */
  nohup: boolean
  /** `VAR=value` prefixes. */
  assignments: Record<string, string>
  /** Output redirections: fd 1, 2, or `&` for both. */
  redirects: Array<{fd: '1' | '2' | '&'; target: string}>
  /** Came from an exec-form instruction (no shell: `$VAR` stays literal). */
  execForm: boolean
  /** Raw text of the command, for messages. */
  text: string
}

export interface StartCommand {
  /** Effective argv as Docker would run it (shell form wrapped in /bin/sh -c). */
  argv: string[]
  line?: number
  procs: Proc[]
  /** The start command comes from the base image and is unknown here. */
  inherited?: boolean
}

export interface EnvValue {
  value: string
  line?: number
}

export interface BaseRef {
  /** As written after substitution, e.g. `python:3.12-slim`. */
  ref: string
  registry?: string
  /** Repository path without registry, e.g. `library/python` is written `python`. */
  repo: string
  tag?: string
  digest?: string
  line?: number
  stage: string
  platform?: string
  /** True for the stage the final image is built from (directly or through stage references). */
  final: boolean
  /** The reference still holds `$VAR` that could not be resolved. */
  unresolved: boolean
}

export interface Expose {
  raw: string
  line?: number
  port?: number
  /** Last port of a range (`8000-8010`). */
  portEnd?: number
  protocol: 'tcp' | 'udp'
  invalid?: string
}

export interface Instr {
  keyword: string
  line: number
  /** Arguments with continuations joined. */
  args: string
  flags: string[]
}

/** What the rules look at: built from a Dockerfile, from an image config, or both. */
export interface Model {
  source: 'dockerfile' | 'image'
  bases: BaseRef[]
  /** ENV in effect in the final image (Dockerfile and image config). */
  env: Map<string, EnvValue>
  /** ARG declared in each stage, with its default. */
  args: Array<{name: string; value?: string; line: number; final: boolean}>
  /** ENV instructions of every stage, for the secret check. */
  envDecls: Array<{name: string; value: string; line: number; final: boolean; literal: boolean}>
  exposes: Expose[]
  /** Ports the base image is known to expose (official images). */
  baseExposes: number[]
  user?: {name: string; line?: number}
  start?: StartCommand
  /** RUN, ADD, COPY … of the final stage chain. */
  finalInstrs: Instr[]
  allInstrs: Instr[]
  /** CMD/ENTRYPOINT of the final image that start with `[` but are not valid JSON (run as shell commands). */
  malformedStart: Array<{keyword: 'CMD' | 'ENTRYPOINT'; line: number; text: string}>
  image?: ImageInfo
}
