/**
 * Input caps of the analyzer. A Dockerfile is a few KB; these are far above any real one and keep a hostile or
 * mistaken input (a log file, a generated monster) from taking the analyzer's time or memory. Every analyzer path
 * is linear in its input (or bounded, like variable-expansion depth), so within these caps a run takes well under
 * a second.
 */
import {DockerfileParser} from 'dockerfile-ast'

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

/** UTF-8 byte length without encoding a text that is clearly too long. */
function byteLength(text: string): number {
  if (text.length > MAX_DOCKERFILE_BYTES || text.length * 3 <= MAX_DOCKERFILE_BYTES) return text.length
  return new TextEncoder().encode(text).length
}

/** Start offset of every line (0-based line numbers), to measure instructions that span continuation lines. */
function lineStarts(text: string): number[] {
  const out = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1)
  return out
}

/** Throws DockerfileLimitError past the size, instruction count or instruction length caps. */
export function parseWithinLimits(text: string): ReturnType<typeof DockerfileParser.parse> {
  checkSize(byteLength(text))
  const df = DockerfileParser.parse(text)
  const starts = lineStarts(text)
  const offset = (p: {line: number; character: number}) => (starts[p.line] ?? text.length) + p.character
  checkInstructions(
    df.getInstructions().map((ins) => {
      const r = ins.getRange()
      return {line: r.start.line + 1, chars: offset(r.end) - offset(r.start)}
    }),
  )
  return df
}
