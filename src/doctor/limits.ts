/**
 * Input caps of the analyzer. A Dockerfile is a few KB; these are far above any real one and keep a hostile or
 * mistaken input (a log file, a generated monster) from taking the analyzer's time or memory. Every analyzer path
 * is linear in its input (or bounded, like variable-expansion depth), so within these caps a run takes well under
 * a second.
 */

export const MAX_DOCKERFILE_BYTES = 1024 * 1024
export const MAX_INSTRUCTIONS = 10_000
/** One instruction with its continuation lines joined. */
export const MAX_INSTRUCTION_CHARS = 64 * 1024

export type LimitKind = 'size' | 'instructions' | 'instruction-length'

/** A Dockerfile past one of the caps; the message names the cap (the caller adds the file). */
export class DockerfileLimitError extends Error {
  constructor(
    readonly limit: LimitKind,
    message: string,
    readonly line?: number,
  ) {
    super(message)
    this.name = 'DockerfileLimitError'
  }
}

const kib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`)

/** Byte size cap, checked before reading or parsing. */
export function checkSize(bytes: number): void {
  if (bytes > MAX_DOCKERFILE_BYTES)
    throw new DockerfileLimitError(
      'size',
      `is ${kib(bytes)}; doctor reads Dockerfiles up to ${kib(MAX_DOCKERFILE_BYTES)}`,
    )
}

/** Instruction count and length caps, checked on the parsed instructions. */
export function checkInstructions(instrs: Array<{line: number; chars: number}>): void {
  if (instrs.length > MAX_INSTRUCTIONS)
    throw new DockerfileLimitError(
      'instructions',
      `has ${instrs.length} instructions; doctor reads Dockerfiles of up to ${MAX_INSTRUCTIONS} instructions`,
    )
  const long = instrs.find((i) => i.chars > MAX_INSTRUCTION_CHARS)
  if (long)
    throw new DockerfileLimitError(
      'instruction-length',
      `line ${long.line}: the instruction is ${kib(long.chars)} long (with its continuation lines); doctor reads instructions of up to ${kib(MAX_INSTRUCTION_CHARS)}`,
      long.line,
    )
}
