import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {type LocalImage, openLocalImage, readLocalBlob} from '../../src/adapters/registry/oci-layout.js'
import {AzdeployError} from '../../src/core/errors.js'
import {tar} from '../helpers/oci-images.js'
import {archive, writeOciLayout} from '../helpers/oci-layout.js'
import {repoRoot} from '../helpers/tls.js'

const base = join(repoRoot(), '.test-tmp')
const tmp = mkdtempSync(join(base, 'layout-'))
after(() => rmSync(tmp, {recursive: true, force: true}))
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

async function rejectsCode(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e) => e instanceof AzdeployError && e.code === code)
}

function checkMatches(img: LocalImage, w: ReturnType<typeof writeOciLayout>) {
  assert.equal(img.digest, w.digest)
  assert.equal(sha(img.manifest), w.digest)
  assert.equal(img.manifestMediaType, 'application/vnd.oci.image.manifest.v1+json')
  assert.equal(img.config.digest, w.config.digest)
  assert.deepEqual(
    img.layers.map((l) => [l.digest, l.size, l.mediaType]),
    w.layers.map((l) => [l.digest, l.size, l.mediaType]),
  )
}

describe('openLocalImage', () => {
  const w = writeOciLayout(join(tmp, 'dir'), [1000, 70_000], {ref: 'v1'})
  const tarPath = archive(w.dir, join(tmp, 'image.tar'))

  it('reads an OCI layout directory and streams byte ranges of layers', async () => {
    const img = await openLocalImage(`oci:${w.dir}`)
    checkMatches(img, w)
    const layer = img.layers[1]!
    const all = await readLocalBlob(layer)
    assert.equal(sha(all), layer.digest)
    const chunks: Buffer[] = []
    for await (const c of layer.open(100, 2100)) chunks.push(c as Buffer)
    assert.deepEqual(Buffer.concat(chunks), all.subarray(100, 2100))
  })

  it('reads an OCI archive in place (tar entries with ./ prefixes)', async () => {
    const img = await openLocalImage(`oci-archive:${tarPath}`)
    checkMatches(img, w)
    const layer = img.layers[1]!
    assert.equal(sha(await readLocalBlob(layer)), layer.digest)
    const chunks: Buffer[] = []
    for await (const c of layer.open(69_000, 70_000)) chunks.push(c as Buffer)
    assert.equal(Buffer.concat(chunks).length, 1000)
  })

  it('selects by ref and reports an unknown ref or a missing path', async () => {
    checkMatches(await openLocalImage(`oci:${w.dir}:v1`), w)
    await rejectsCode(openLocalImage(`oci:${w.dir}:nope`), 'IMAGE_NOT_FOUND')
    await rejectsCode(openLocalImage(`oci:${join(tmp, 'missing')}`), 'IMAGE_NOT_FOUND')
    await rejectsCode(openLocalImage('docker://x/y'), 'INVALID_FROM')
  })

  it('reads a pre-OCI docker save archive as uncompressed OCI layers', async () => {
    const layerTar = tar([{name: 'hello.txt', content: Buffer.from('hello')}])
    const config = Buffer.from(JSON.stringify({architecture: 'amd64', os: 'linux', rootfs: {type: 'layers'}}))
    const manifestJson = Buffer.from(
      JSON.stringify([{Config: 'cfg.json', RepoTags: ['app:1'], Layers: ['abc/layer.tar']}]),
    )
    const path = join(tmp, 'docker.tar')
    writeFileSync(
      path,
      tar([
        {name: 'manifest.json', content: manifestJson},
        {name: 'cfg.json', content: config},
        {name: 'abc/layer.tar', content: layerTar},
      ]),
    )
    const img = await openLocalImage(`docker-archive:${path}`)
    assert.equal(img.config.digest, sha(config))
    assert.deepEqual(
      img.layers.map((l) => [l.digest, l.size, l.mediaType]),
      [[sha(layerTar), layerTar.length, 'application/vnd.oci.image.layer.v1.tar']],
    )
    const doc = JSON.parse(img.manifest.toString())
    assert.equal(doc.layers[0].digest, sha(layerTar))
    assert.equal(img.digest, sha(img.manifest))
  })

  it('rejects a layout whose blob is missing', async () => {
    const broken = writeOciLayout(join(tmp, 'broken'), [10])
    rmSync(join(broken.dir, 'blobs', 'sha256', broken.layers[0]!.digest.slice(7)))
    await rejectsCode(openLocalImage(`oci:${broken.dir}`), 'IMAGE_SOURCE_INVALID')
  })
})
