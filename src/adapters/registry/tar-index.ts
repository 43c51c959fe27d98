/**
 * A minimal tar reader that never reads file contents: it walks the 512-byte headers of a tar file on disk (ustar,
 * GNU long names, PAX `path`/`size`) and records where each regular file's bytes are. Callers stream a file with
 * `createReadStream(path, {start: offset, end: offset + size - 1})`. Compressed tars are not supported (OCI
 * archives and `docker save` output are plain tars).
 */
import {open} from 'node:fs/promises'

export interface TarEntry {
  name: string
  offset: number
  size: number
}

const BLOCK = 512
/** GNU long names and PAX headers are small; a bigger one is a hostile or broken archive, never buffered. */
const MAX_META = 1024 * 1024

/** A tar this reader refuses (the caller turns it into an input error naming the file). */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarFormatError'
  }
}

function field(buf: Buffer, start: number, len: number): string {
  const s = buf.subarray(start, start + len)
  const nul = s.indexOf(0)
  return s.subarray(0, nul === -1 ? len : nul).toString('utf8')
}

function octal(buf: Buffer, start: number, len: number): number {
  const first = buf[start] ?? 0
  if (first & 0x80) {
    // base-256 (GNU) for sizes >= 8 GiB
    let n = 0
    for (let i = start + 1; i < start + len; i++) n = n * 256 + (buf[i] ?? 0)
    return n
  }
  const text = field(buf, start, len).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) return Number.NaN
  return Number.parseInt(text, 8)
}

/** The header checksum: the byte sum with the checksum field read as spaces. */
function checksumOk(header: Buffer): boolean {
  const want = octal(header, 148, 8)
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0)
  return want === sum
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  while (i < text.length) {
    const sp = text.indexOf(' ', i)
    if (sp === -1) break
    const len = Number(text.slice(i, sp))
    if (!Number.isFinite(len) || len <= 0) break
    const rec = text.slice(sp + 1, i + len - 1)
    const eq = rec.indexOf('=')
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1)
    i += len
  }
  return out
}

/** Normalises `./a/b` and `a//b` to `a/b`. */
export function normalizeTarPath(name: string): string {
  return name
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/')
}

/**
 * Index of the regular files in a tar file, by normalised path. Throws `TarFormatError` on a malformed archive:
 * every size is checked against the file's length before anything is allocated or skipped, so a 1 KB file that
 * claims a petabyte entry is refused, not buffered.
 */
export async function indexTar(path: string): Promise<Map<string, TarEntry>> {
  const fh = await open(path, 'r')
  const entries = new Map<string, TarEntry>()
  try {
    const {size: total} = await fh.stat()
    const header = Buffer.alloc(BLOCK)
    let pos = 0
    let longName: string | undefined
    let pax: Record<string, string> = {}
    const readAt = async (buf: Buffer, at: number) => {
      const {bytesRead} = await fh.read(buf, 0, buf.length, at)
      if (bytesRead !== buf.length) throw new TarFormatError(`truncated tar at offset ${at}`)
    }
    while (pos + BLOCK <= total) {
      await readAt(header, pos)
      if (header.every((b) => b === 0)) break
      if (!checksumOk(header)) throw new TarFormatError(`no valid tar header at offset ${pos}`)
      const type = String.fromCharCode(header[156] ?? 0)
      let size = octal(header, 124, 12)
      if (pax['size'] !== undefined) size = /^\d+$/.test(pax['size']) ? Number(pax['size']) : Number.NaN
      const dataAt = pos + BLOCK
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new TarFormatError(`the entry header at offset ${pos} has an invalid size`)
      }
      if (dataAt + size > total) {
        throw new TarFormatError(
          `the entry at offset ${pos} claims ${size} bytes but the file has ${total - dataAt} bytes after its header`,
        )
      }
      const next = dataAt + Math.ceil(size / BLOCK) * BLOCK
      if (type === 'L' || type === 'x' || type === 'g') {
        if (size > MAX_META)
          throw new TarFormatError(`the extended header at offset ${pos} is too large (${size} bytes)`)
        const body = Buffer.alloc(size)
        await readAt(body, dataAt)
        if (type === 'L') longName = field(body, 0, size)
        else if (type === 'x') pax = parsePax(body.toString('utf8'))
        pos = next
        continue
      }
      const prefix = field(header, 345, 155)
      const base = field(header, 0, 100)
      const name = pax['path'] ?? longName ?? (prefix ? `${prefix}/${base}` : base)
      if (type === '0' || type === '\0' || type === '7') {
        entries.set(normalizeTarPath(name), {name, offset: dataAt, size})
      }
      longName = undefined
      pax = {}
      pos = next
    }
  } finally {
    await fh.close()
  }
  return entries
}
