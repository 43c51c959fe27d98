// The shared HTTP helper and retry rule against a loopback server: wall-clock deadline (a trickling server cannot
// hold it open), size cap, abort, redacted trace, Retry-After parsing and capping, which statuses are retried.
import assert from 'node:assert/strict'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {Readable} from 'node:stream'
import {after, before, describe, it} from 'node:test'
import {HttpFailure, httpRequest} from '../../src/adapters/http/request.js'
import {
  backoffMs,
  isRetryableStatus,
  retryDelayMs,
  serverRetryAfterMs,
  withRetry,
} from '../../src/adapters/http/retry.js'
import {ensureTestCa} from '../helpers/tls.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

describe('httpRequest', () => {
  let server: Server
  let base = ''
  const routes = new Map<string, Handler>()
  const timers = new Set<NodeJS.Timeout>()
  let hits = new Map<string, number>()

  before(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      hits.set(path, (hits.get(path) ?? 0) + 1)
      const h = routes.get(path)
      if (h) h(req, res)
      else res.writeHead(404).end()
    })
    routes.set('/ok', (req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => res.end(JSON.stringify({method: req.method, body, len: req.headers['content-length']})))
    })
    routes.set('/trickle', (_req, res) => {
      res.writeHead(200, {'content-type': 'text/plain'})
      const t = setInterval(() => res.write('x'), 300)
      timers.add(t)
      res.on('close', () => clearInterval(t))
    })
    routes.set('/hang', () => {})
    routes.set('/big', (_req, res) => {
      res.writeHead(200)
      res.end(Buffer.alloc(2 * 1024 * 1024, 1))
    })
    routes.set('/cut', (_req, res) => {
      res.writeHead(200, {'content-length': '100'})
      res.write('partial')
      setTimeout(() => res.socket?.destroy(), 20)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    for (const t of timers) clearInterval(t)
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('sends a body and buffers the answer', async () => {
    const res = await httpRequest({method: 'POST', url: `${base}/ok`, body: 'hello'})
    assert.equal(res.status, 200)
    assert.deepEqual(JSON.parse(res.body.toString()), {method: 'POST', body: 'hello', len: '5'})
    const streamed = await httpRequest({
      method: 'PUT',
      url: `${base}/ok`,
      headers: {'content-length': '3'},
      body: () => Readable.from([Buffer.from('abc')]),
    })
    assert.equal(JSON.parse(streamed.body.toString()).body, 'abc')
  })

  it('a server trickling a byte every 300 ms cannot hold a 1 s deadline open', async () => {
    const t0 = performance.now()
    await assert.rejects(
      httpRequest({url: `${base}/trickle`, timeoutMs: 1000}),
      (e: unknown) => e instanceof HttpFailure && e.kind === 'timeout' && /within 1 s/.test(e.message),
    )
    const took = performance.now() - t0
    assert.ok(took >= 950 && took < 5000, `took ${took} ms`)
  })

  it('headersOnly resolves at the headers of an endless answer', async () => {
    const t0 = performance.now()
    const res = await httpRequest({url: `${base}/trickle`, headersOnly: true, timeoutMs: 20_000})
    assert.equal(res.status, 200)
    assert.ok(performance.now() - t0 < 8000, 'long before the 20 s deadline')
  })

  it('a server that accepts and never answers hits the deadline', async () => {
    const t0 = performance.now()
    await assert.rejects(httpRequest({url: `${base}/hang`, timeoutMs: 300}), {kind: 'timeout'})
    assert.ok(performance.now() - t0 < 5000)
  })

  it('refuses an answer above the size cap, and the default cap allows 2 MiB', async () => {
    await assert.rejects(
      httpRequest({url: `${base}/big`, maxBytes: 1024 * 1024}),
      (e: unknown) => e instanceof HttpFailure && e.kind === 'too-large' && /larger than 1048576 bytes/.test(e.message),
    )
    const ok = await httpRequest({url: `${base}/big`})
    assert.equal(ok.body.length, 2 * 1024 * 1024)
    const probe = await httpRequest({url: `${base}/big`, maxBytes: 10, headersOnly: true})
    assert.equal(probe.status, 200)
    assert.equal(probe.body.length, 0)
  })

  it('abort ends the exchange at once with the signal reason', async () => {
    const ac = new AbortController()
    const reason = new Error('Interrupted')
    setTimeout(() => ac.abort(reason), 100)
    const t0 = performance.now()
    await assert.rejects(httpRequest({url: `${base}/hang`, signal: ac.signal, timeoutMs: 30_000}), (e) => e === reason)
    assert.ok(performance.now() - t0 < 8000, 'long before the 30 s deadline')
    await assert.rejects(httpRequest({url: `${base}/ok`, signal: ac.signal}), (e) => e === reason)
  })

  it('connection failures and cut answers are network failures', async () => {
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    const port = (dead.address() as AddressInfo).port
    await new Promise((resolve) => dead.close(resolve))
    await assert.rejects(httpRequest({url: `http://127.0.0.1:${port}/`}), {kind: 'network', code: 'ECONNREFUSED'})
    await assert.rejects(httpRequest({url: `${base}/cut`}), {kind: 'network'})
  })

  it('traces one redacted line per exchange', async () => {
    const lines: string[] = []
    await httpRequest({
      url: `${base}/ok?sig=SECRET`,
      debug: (l) => lines.push(l),
      redact: (u) => u.replace(/sig=[^&]+/, 'sig=REDACTED'),
    })
    await httpRequest({url: `${base}/ok?token=SECRET`, debug: (l) => lines.push(l)})
    assert.equal(lines.length, 2)
    assert.match(lines[0] ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/ok\?sig=REDACTED → 200 \(\d+ ms\)$/)
    assert.match(lines[1] ?? '', /\/ok → 200/)
    assert.ok(!lines.join('\n').includes('SECRET'))
  })

  it('speaks https with an extra CA', async () => {
    const tls = ensureTestCa()
    const s = createHttpsServer({cert: tls.cert, key: tls.key}, (_req, res) => res.end('tls'))
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
    try {
      const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}/`
      assert.equal((await httpRequest({url, ca: tls.ca})).body.toString(), 'tls')
      await assert.rejects(httpRequest({url}), {kind: 'network'})
    } finally {
      s.closeAllConnections()
      await new Promise((resolve) => s.close(resolve))
    }
  })

  describe('withRetry', () => {
    const statusRoute = (path: string, statuses: number[], headers: Record<string, string> = {}) =>
      routes.set(path, (_req, res) => {
        const n = (hits.get(path) ?? 1) - 1
        res.writeHead(statuses[Math.min(n, statuses.length - 1)] ?? 200, headers).end()
      })

    it('retries 503 and 429 then returns the answer; never retries another 4xx', async () => {
      hits = new Map()
      statusRoute('/flaky', [503, 429, 200])
      statusRoute('/gone', [400])
      statusRoute('/missing', [404])
      const fast = {baseDelayMs: 5}
      assert.equal((await withRetry(() => httpRequest({url: `${base}/flaky`}), fast)).status, 200)
      assert.equal(hits.get('/flaky'), 3)
      assert.equal((await withRetry(() => httpRequest({url: `${base}/gone`}), fast)).status, 400)
      assert.equal(hits.get('/gone'), 1)
      assert.equal((await withRetry(() => httpRequest({url: `${base}/missing`}), fast)).status, 404)
      assert.equal(hits.get('/missing'), 1)
    })

    it('stops after the attempt limit and returns the last retryable answer', async () => {
      hits = new Map()
      statusRoute('/down', [500])
      const res = await withRetry(() => httpRequest({url: `${base}/down`}), {attempts: 3, baseDelayMs: 1})
      assert.equal(res.status, 500)
      assert.equal(hits.get('/down'), 3)
    })

    it('retries connection failures, not timeouts or too-large answers', async () => {
      let calls = 0
      await assert.rejects(
        withRetry(
          () => {
            calls++
            return httpRequest({url: 'http://127.0.0.1:1/'})
          },
          {attempts: 3, baseDelayMs: 1},
        ),
        {kind: 'network'},
      )
      assert.equal(calls, 3)
      hits = new Map()
      await assert.rejects(
        withRetry(() => httpRequest({url: `${base}/hang`, timeoutMs: 50})),
        {kind: 'timeout'},
      )
      assert.equal(hits.get('/hang'), 1)
      await assert.rejects(
        withRetry(() => httpRequest({url: `${base}/big`, maxBytes: 10})),
        {kind: 'too-large'},
      )
      assert.equal(hits.get('/big'), 1)
    })

    it('a Retry-After of an hour is capped at 60 s, reported, and the wait ends on abort', async () => {
      hits = new Map()
      statusRoute('/slow-down', [429], {'retry-after': '3600'})
      const ac = new AbortController()
      const lines: string[] = []
      const reason = new Error('Interrupted')
      const t0 = performance.now()
      const p = withRetry(() => httpRequest({url: `${base}/slow-down`}), {
        signal: ac.signal,
        debug: (l) => {
          lines.push(l)
          if (l.includes('retry 1/')) setTimeout(() => ac.abort(reason), 50)
        },
      })
      await assert.rejects(p, (e) => e === reason)
      assert.ok(performance.now() - t0 < 10_000, 'long before the 60 s capped wait')
      assert.ok(
        lines.some((l) => /asked to retry after 3600 s; capped at 60 s/.test(l)),
        lines.join('\n'),
      )
      assert.ok(
        lines.some((l) => /HTTP 429, retry 1\/3 in 60 s/.test(l)),
        lines.join('\n'),
      )
    })
  })
})

describe('retry rules', () => {
  it('retryable statuses: 408, 429, 5xx only', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) assert.ok(isRetryableStatus(s), String(s))
    for (const s of [200, 201, 301, 400, 401, 403, 404, 409, 412, 413, 416, 422])
      assert.ok(!isRetryableStatus(s), String(s))
  })

  it('parses retry-after-ms, x-ms-retry-after-ms, seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-01T20:00:00Z')
    assert.equal(serverRetryAfterMs({'retry-after-ms': '250'}, now), 250)
    assert.equal(serverRetryAfterMs({'x-ms-retry-after-ms': '1500', 'retry-after': '9'}, now), 1500)
    assert.equal(serverRetryAfterMs({'retry-after': '7'}, now), 7000)
    assert.equal(serverRetryAfterMs({'retry-after': 'Tue, 01 Dec 2026 20:00:30 GMT'}, now), 30_000)
    assert.equal(serverRetryAfterMs({'retry-after': 'Tue, 01 Dec 2026 19:00:00 GMT'}, now), 0)
    assert.equal(serverRetryAfterMs({'retry-after': 'soon'}, now), undefined)
    assert.equal(serverRetryAfterMs({'retry-after': '-5'}, now), undefined)
    assert.equal(serverRetryAfterMs(new Headers({'Retry-After': '2'}), now), 2000)
  })

  it('caps the server hint at 60 s (and lower caps), reports it, and jitters the backoff', () => {
    const lines: string[] = []
    assert.equal(retryDelayMs(0, {'retry-after': '86400'}, {debug: (l) => lines.push(l)}), 60_000)
    assert.equal(retryDelayMs(0, {'retry-after': '86400'}, {maxDelayMs: 10 * 60_000}), 60_000, 'never above 60 s')
    assert.equal(retryDelayMs(0, {'retry-after-ms': '5000'}, {maxDelayMs: 1000}), 1000)
    assert.equal(retryDelayMs(0, {'retry-after': '2'}), 2000)
    assert.equal(lines.length, 1)
    assert.match(lines[0] ?? '', /86400 s; capped at 60 s/)
    assert.equal(backoffMs(3, {baseDelayMs: 100, random: () => 1}), 800)
    assert.equal(backoffMs(3, {baseDelayMs: 100, random: () => 0.5}), 400)
    assert.equal(backoffMs(30, {random: () => 1}), 60_000)
    assert.equal(retryDelayMs(2, {}, {baseDelayMs: 100, random: () => 1}), 400)
  })
})
