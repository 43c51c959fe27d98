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
  return text === '' ? 0 : Number.parseInt(text, 8)
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

/** Index of the regular files in a tar file, by normalised path. Throws on a malformed archive. */
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
      if (bytesRead !== buf.length) throw new Error(`truncated tar at offset ${at}`)
    }
    while (pos + BLOCK <= total) {
      await readAt(header, pos)
      if (header.every((b) => b === 0)) break
      const type = String.fromCharCode(header[156] ?? 0)
      let size = octal(header, 124, 12)
      if (pax['size'] !== undefined) size = Number(pax['size'])
      const dataAt = pos + BLOCK
      const next = dataAt + Math.ceil(size / BLOCK) * BLOCK
      if (type === 'L' || type === 'x' || type === 'g') {
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
        if (dataAt + size > total) throw new Error(`truncated tar: ${name} runs past the end`)
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
