// pushImage against a scripted loopback registry: a permanent 4xx answer to a blob upload is final (one PUT, not
// four), a 503 is retried, a swapped blob is refused on the chunk that completes it, and an abort ends a push whose
// registry stopped answering at once.
import assert from 'node:assert/strict'
import {rmSync, writeFileSync} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'
import {openLocalImage} from '../../src/adapters/registry/oci-layout.js'
import {pushImage} from '../../src/adapters/registry/oci-push.js'
import {isAcrStyleRegistry, OciRegistryClient} from '../../src/adapters/registry/oci-registry.js'
import {RegistrySession} from '../../src/adapters/registry/registry-http.js'
import {AzdeployError} from '../../src/core/errors.js'
import {parseImageRef} from '../../src/core/image-ref.js'
import {writeOciLayout} from '../helpers/oci-layout.js'
import {tempDir} from '../helpers/run-cli.js'
import {ensureTestCa} from '../helpers/tls.js'

type Answer = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

describe('pushImage against a scripted registry', () => {
  const tls = ensureTestCa()
  let server: Server
  let host = ''
  let tmp = ''
  let answer: Answer = (_q, res) => res.end()
  const seen: string[] = []

  const standard: Answer = (req, res) => {
    const url = new URL(req.url ?? '/', `https://${host}`)
    if (req.method === 'HEAD') return res.writeHead(404).end()
    if (req.method === 'POST') return res.writeHead(202, {location: `/v2/app/blobs/uploads/u1`}).end()
    if (req.method === 'PATCH') {
      const range = String(req.headers['content-range'] ?? '0-0')
      return res.writeHead(202, {location: url.pathname, range: `0-${range.split('-')[1]}`}).end()
    }
    if (req.method === 'PUT' && url.pathname.includes('/manifests/')) return res.writeHead(201).end()
    if (req.method === 'PUT')
      return res.writeHead(201, {'docker-content-digest': url.searchParams.get('digest') ?? ''}).end()
    res.writeHead(500).end()
  }

  before(async () => {
    tmp = tempDir('oci-push')
    server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        seen.push(`${req.method} ${(req.url ?? '').split('?')[0]}`)
        answer(req, res, Buffer.concat(chunks))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    rmSync(tmp, {recursive: true, force: true})
  })
  beforeEach(() => {
    seen.length = 0
    answer = standard
  })
  const session = () => new RegistrySession(host, {kind: 'anonymous'}, {ca: tls.ca, retryBaseMs: 1})

  it('a permanent 4xx to a blob upload is final: one PUT, a clear error', async () => {
    const img = await openLocalImage(`oci:${writeOciLayout(join(tmp, 'p4xx'), [1000]).dir}`)
    answer = (req, res, body) => {
      if (req.method === 'PUT' && !req.url?.includes('/manifests/')) {
        return res.writeHead(400).end('{"errors":[{"code":"DIGEST_INVALID","message":"digest did not match"}]}')
      }
      standard(req, res, body)
    }
    await assert.rejects(pushImage(session(), 'app', img, {tag: 't', retryBaseMs: 1}), (e) => {
      assert.ok(e instanceof AzdeployError)
      assert.equal(e.code, 'REGISTRY_PUSH_FAILED')
      assert.match(e.message, /answered 400: DIGEST_INVALID digest did not match/)
      return true
    })
    assert.equal(seen.filter((s) => s.startsWith('PUT /v2/app/blobs')).length, 1, seen.join('\n'))
  })

  it('a 503 to a blob upload is retried and the push completes', async () => {
    const img = await openLocalImage(`oci:${writeOciLayout(join(tmp, 'p503'), [1000]).dir}`)
    let failures = 0
    answer = (req, res, body) => {
      if (req.method === 'PUT' && !req.url?.includes('/manifests/') && failures++ < 2) return res.writeHead(503).end()
      standard(req, res, body)
    }
    const r = await pushImage(session(), 'app', img, {tag: 't', retryBaseMs: 1})
    assert.equal(r.uploadedBlobs, 2)
    assert.equal(failures, 4, 'two 503s, then the config and the layer')
  })

  it('a swapped blob sent in chunks fails on its last chunk, before the final PUT', async () => {
    const w = writeOciLayout(join(tmp, 'swapped'), [200_000])
    const layer = w.layers[0]!
    writeFileSync(join(w.dir, 'blobs', 'sha256', layer.digest.slice(7)), Buffer.alloc(200_000, 3))
    const img = await openLocalImage(`oci:${w.dir}`)
    await assert.rejects(pushImage(session(), 'app', img, {tag: 't', chunkBytes: 65536, concurrency: 1}), (e) => {
      assert.ok(e instanceof AzdeployError)
      assert.equal(e.code, 'IMAGE_SOURCE_INVALID')
      assert.equal(e.exitCode, 2)
      assert.match(e.message, new RegExp(`blob ${layer.digest} .* does not match its digest`))
      return true
    })
    const patches = seen.filter((s) => s.startsWith('PATCH')).length
    assert.equal(patches, 3, `the first three 64 KiB chunks went up, the fourth was cut: ${seen.join(', ')}`)
    assert.ok(!seen.some((s) => s.startsWith('PUT /v2/app/manifests')))
  })

  it('abort ends a push whose registry stopped answering within a second', async () => {
    const img = await openLocalImage(`oci:${writeOciLayout(join(tmp, 'hang'), [1000]).dir}`)
    answer = () => {}
    const ac = new AbortController()
    const reason = new Error('Interrupted')
    setTimeout(() => ac.abort(reason), 200)
    const t0 = performance.now()
    await assert.rejects(pushImage(session(), 'app', img, {tag: 't', signal: ac.signal}), (e) => e === reason)
    assert.ok(performance.now() - t0 < 10_000, `took ${performance.now() - t0} ms`)
  })

  it('image read: abort ends an inspect whose registry never answers at once', async () => {
    answer = () => {}
    const ac = new AbortController()
    const reason = new Error('Interrupted')
    setTimeout(() => ac.abort(reason), 200)
    const client = new OciRegistryClient(host, {kind: 'anonymous'}, {ca: tls.ca, signal: ac.signal})
    const t0 = performance.now()
    await assert.rejects(client.inspect(parseImageRef(`${host}/app:1`)), (e) => e === reason)
    assert.ok(performance.now() - t0 < 10_000)
    await assert.rejects(isAcrStyleRegistry(host, {ca: tls.ca, signal: ac.signal}), (e) => e === reason)
  })

  it('a registry that never answers hits the wall-clock deadline', async () => {
    const img = await openLocalImage(`oci:${writeOciLayout(join(tmp, 'deadline'), [1000]).dir}`)
    answer = () => {}
    const s = new RegistrySession(host, {kind: 'anonymous'}, {ca: tls.ca, timeoutMs: 300})
    const t0 = performance.now()
    await assert.rejects(pushImage(s, 'app', img, {tag: 't'}), (e) => {
      assert.ok(e instanceof AzdeployError)
      assert.equal(e.code, 'REGISTRY_TIMEOUT')
      assert.match(e.message, /no complete answer to HEAD .* within 300 ms/)
      return true
    })
    assert.ok(performance.now() - t0 < 10_000)
  })
})
