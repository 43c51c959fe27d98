/**
 * Configuration files the Dockerfile copies from the build context (e.g. nginx.conf), read through the caller's
 * `readContextFile` so that what they say (daemon, listen, log paths) is analysed too. Files copied from another
 * stage or an image (`--from`) and directories are not read.
 */
import type {Instr} from './types.js'

export interface CopiedFile {
  /** Path in the build context, as written in COPY/ADD. */
  source: string
  /** Where it lands in the image. */
  dest: string
  text: string
  line: number
}

/** Sources and destination of a COPY/ADD (shell or JSON form). */
export function copyOperands(i: Instr): {sources: string[]; dest: string} | undefined {
  let words: string[]
  const t = i.args.trim()
  if (t.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(t)
      if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) return undefined
      words = arr as string[]
    } catch {
      return undefined
    }
  } else words = t.split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'))
  if (words.length < 2) return undefined
  return {sources: words.slice(0, -1), dest: words[words.length - 1]!}
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1)

/**
 * Context files copied to a destination that `wanted` accepts (given the file's path in the image). A COPY into
 * a directory (`dest/`) places each source under its own name.
 */
export function copiedFiles(
  instrs: Instr[],
  wanted: (imagePath: string) => boolean,
  read: ((path: string) => string | undefined) | undefined,
): CopiedFile[] {
  if (!read) return []
  const out: CopiedFile[] = []
  for (const i of instrs) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.flags.some((f) => f.startsWith('--from='))) continue
    const ops = copyOperands(i)
    if (!ops) continue
    const intoDir = ops.dest.endsWith('/') || ops.sources.length > 1
    for (const source of ops.sources) {
      if (/[*?[]|^https?:|\$/.test(source)) continue
      const dest = intoDir ? `${ops.dest.replace(/\/+$/, '')}/${base(source)}` : ops.dest
      if (!wanted(dest)) continue
      const text = read(source.replace(/^\.\//, ''))
      if (text !== undefined) out.push({source, dest, text, line: i.line})
    }
  }
  return out
}
