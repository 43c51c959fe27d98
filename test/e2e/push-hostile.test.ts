// `azdeploy push` of hostile local images through the built CLI: a tiny tar whose header claims a huge size, OCI
// layouts whose descriptor digests are paths, a blob symlinked out of the layout, and a blob whose bytes were
// swapped. Each must end quickly with exit 2 (IMAGE_SOURCE_INVALID) and one message naming the problem; none may
// abort Node, read outside the layout, or store the image.
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {writeOciLayout} from '../helpers/oci-layout.js'
import {startRegistry, type TestRegistry} from '../helpers/registry.js'
import {type CliResult, jsonOf, runCli, tempDir} from '../helpers/run-cli.js'

const AUTH = {username: 'hostile-user', password: 'hostile-pa55-secret'}
const NO_ARM = {url: 'https://127.0.0.1:9'}
const BOUND_MS = 15_000

/** One 512-byte ustar header with a valid checksum; `size` is written verbatim into the 12-byte size field. */
function tarHeader(name: string, type: string, size: Buffer): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  size.copy(h, 124, 0, 12)
  h.write('00000000000\0', 136)
  h.write(type, 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  h.fill(' ', 148, 156)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return h
}

const octalSize = (n: number) => Buffer.from(`${n.toString(8).padStart(11, '0')}\0`)
/** GNU base-256: 0x80 marker, then big-endian bytes; 0xff.. is about 2^88. */
const base256Huge = () => Buffer.from([0x80, ...Array(11).fill(0xff)])

describe('azdeploy push of hostile local images (built CLI)', () => {
  let reg: TestRegistry
  let tmp: string
  const push = (from: string, tag: string): Promise<CliResult> =>
    runCli(
      [
        'push',
        '--from',
        from,
        '--image',
        `${reg.host}/hostile/app:${tag}`,
        '--registry-username',
        AUTH.username,
        '--json',
      ],
      {arm: NO_ARM, env: {AZDEPLOY_REGISTRY_PASSWORD: AUTH.password}, timeoutMs: BOUND_MS},
    )
  const refused = (r: CliResult, pattern: RegExp) => {
    assert.equal(r.code, 2, `exit code (134 would be a Node abort)\n${r.stdout}\n${r.stderr}`)
    const e = jsonOf<{error: {code: string; message: string; hint?: string}}>(r).error
    assert.equal(e.code, 'IMAGE_SOURCE_INVALID')
    assert.match(e.message, pattern)
    assert.match(e.hint ?? '', /re-export the image/)
    assert.ok(r.ms < BOUND_MS, `took ${r.ms} ms`)
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace')
  }
  const tagExists = async (tag: string) => {
    const auth = Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')
    const res = await fetch(`${reg.url}/v2/hostile/app/manifests/${tag}`, {
      method: 'HEAD',
      headers: {authorization: `Basic ${auth}`, accept: 'application/vnd.oci.image.manifest.v1+json'},
    }).catch(() => undefined)
    return res?.status === 200
  }

  before(async () => {
    tmp = tempDir('push-hostile')
    reg = await startRegistry({auth: AUTH})
  })
  after(async () => {
    await reg?.stop()
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  it('a 1.5 KB tar whose header claims ~8 GiB (octal) or ~2^88 bytes (base-256) is refused, not allocated', async () => {
    for (const [i, size] of [octalSize(0o77777777777), base256Huge()].entries()) {
      for (const type of ['x', 'L', '0']) {
        const file = join(tmp, `huge-${i}-${type}.tar`)
        writeFileSync(file, Buffer.concat([tarHeader('./index.json', type, size), Buffer.alloc(1024)]))
        assert.equal(readFileSync(file).length, 1536)
        for (const kind of ['oci-archive', 'docker-archive']) {
          refused(await push(`${kind}:${file}`, `huge${i}${type}`), /is not a readable tar: .*(claims|invalid size)/)
        }
      }
    }
  })

  it('a file that is not a tar at all is refused with a clean message', async () => {
    const file = join(tmp, 'junk.tar')
    writeFileSync(file, Buffer.alloc(2048, 'z'))
    refused(await push(`oci-archive:${file}`, 'junk'), /not a readable tar: no valid tar header at offset 0/)
  })

  it('an index.json descriptor whose digest is a path is refused before anything is read', async () => {
    const w = writeOciLayout(join(tmp, 'pathy-index'), [100])
    const index = JSON.parse(readFileSync(join(w.dir, 'index.json'), 'utf8'))
    index.manifests[0].digest = 'sha256:../../../../../../etc/passwd'
    writeFileSync(join(w.dir, 'index.json'), JSON.stringify(index))
    refused(await push(`oci:${w.dir}`, 'pathy1'), /names 'sha256:\.\.\/\.\.\/.*', not a sha256:<64 hex> digest/)
  })

  it('a manifest whose layer digest is a path, or upper-case hex, is refused', async () => {
    for (const [n, digest] of ['sha256:../../../index.json', `sha256:${'A'.repeat(64)}`].entries()) {
      const w = writeOciLayout(join(tmp, `pathy-layer-${n}`), [100])
      const manifestPath = join(w.dir, 'blobs', 'sha256', w.digest.slice(7))
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
      manifest.layers[0].digest = digest
      const bytes = Buffer.from(JSON.stringify(manifest))
      const hex = createHash('sha256').update(bytes).digest('hex')
      writeFileSync(join(w.dir, 'blobs', 'sha256', hex), bytes)
      const index = JSON.parse(readFileSync(join(w.dir, 'index.json'), 'utf8'))
      index.manifests[0].digest = `sha256:${hex}`
      index.manifests[0].size = bytes.length
      writeFileSync(join(w.dir, 'index.json'), JSON.stringify(index))
      refused(await push(`oci:${w.dir}`, `pathy-layer${n}`), /a layer in OCI layout .* names '.*', not a sha256/)
    }
  })

  it('a blob that is a symlink leaving the layout is refused, even when its bytes match', async () => {
    const w = writeOciLayout(join(tmp, 'linked'), [100])
    const layer = w.layers[0]!
    const blob = join(w.dir, 'blobs', 'sha256', layer.digest.slice(7))
    const outside = join(tmp, 'outside-secret')
    writeFileSync(outside, readFileSync(blob))
    unlinkSync(blob)
    symlinkSync(outside, blob)
    refused(await push(`oci:${w.dir}`, 'linked'), /blobs\/sha256\/[0-9a-f]{64} in OCI layout .* leaves the layout/)
    assert.equal(await tagExists('linked'), false)
    // A link that stays inside the layout is fine.
    mkdirSync(join(w.dir, 'store'))
    unlinkSync(blob)
    writeFileSync(join(w.dir, 'store', 'layer'), readFileSync(outside))
    symlinkSync(join(w.dir, 'store', 'layer'), blob)
    const ok = await push(`oci:${w.dir}`, 'linked')
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
  })

  it('a blob whose bytes were swapped (same size) is refused while uploading and the tag is not stored', async () => {
    const w = writeOciLayout(join(tmp, 'swapped'), [5000])
    const layer = w.layers[0]!
    writeFileSync(join(w.dir, 'blobs', 'sha256', layer.digest.slice(7)), Buffer.alloc(5000, 7))
    refused(await push(`oci:${w.dir}`, 'swapped'), new RegExp(`blob ${layer.digest} in OCI layout .* does not match`))
    assert.equal(await tagExists('swapped'), false)
  })
})
