// The health probe (https) and the local ping (http) on the shared HTTP helper: the status as soon as the headers
// arrive (an endless body does not hold them), null for a server that accepts and never answers (within the
// deadline) and at once on abort. And Kudu: a trickling SCM site cannot hold a log read past its deadline.
import assert from 'node:assert/strict'
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {createKuduAdapter} from '../../src/adapters/azure/kudu.js'
import {createHttpProbe} from '../../src/adapters/system/http-probe.js'
import {httpStatus} from '../../src/adapters/system/local-net.js'
import {AzdeployError} from '../../src/core/errors.js'
import {ensureTestCa} from '../helpers/tls.js'

const timers = new Set<NodeJS.Timeout>()
function handler(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/hang') return
  res.writeHead(req.url === '/teapot' ? 418 : 200)
  const t = setInterval(() => res.write('.'), 100)
  timers.add(t)
  res.on('close', () => clearInterval(t))
}

describe('probes and the SCM read on bounded HTTP', () => {
  const tls = ensureTestCa()
  const plain = createHttpServer(handler)
  const secure = createHttpsServer({cert: tls.cert, key: tls.key}, handler)
  let httpBase = ''
  let httpsHost = ''
  before(async () => {
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r))
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r))
    httpBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`
    httpsHost = `127.0.0.1:${(secure.address() as AddressInfo).port}`
  })
  after(async () => {
    for (const t of timers) clearInterval(t)
    for (const s of [plain, secure]) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  })

  it('local ping: status at the headers of an endless answer, null for no answer within the deadline', async () => {
    const never = new AbortController().signal
    assert.equal(await httpStatus(`${httpBase}/teapot`, 2000, never), 418)
    const t0 = performance.now()
    assert.equal(await httpStatus(`${httpBase}/hang`, 300, never), null)
    const took = performance.now() - t0
    assert.ok(took >= 280 && took < 5000, `took ${took} ms`)
  })

  it('health probe: null at once on abort', async () => {
    const probe = createHttpProbe(30_000)
    const ac = new AbortController()
    setTimeout(() => ac.abort(new Error('stop')), 100)
    const t0 = performance.now()
    assert.equal(await probe.get(`${httpBase}/hang`, ac.signal), null)
    assert.ok(performance.now() - t0 < 5000)
    assert.equal(await createHttpProbe(300).get(`${httpBase}/hang`, new AbortController().signal), null)
  })

  it('Kudu: a trickling SCM answer ends at the wall-clock deadline as SCM_UNREACHABLE', async () => {
    const credential = {getToken: async () => ({token: 't', expiresOnTimestamp: Date.now() + 3_600_000})}
    const kudu = createKuduAdapter({
      host: httpsHost,
      app: 'shop',
      credential,
      scope: 's',
      signal: new AbortController().signal,
      ca: tls.ca,
      timeoutMs: 500,
    })
    const t0 = performance.now()
    await assert.rejects(kudu.listDockerLogs(), (e) => {
      assert.ok(e instanceof AzdeployError)
      assert.equal(e.code, 'SCM_UNREACHABLE')
      assert.match(e.message, /no complete answer within 500 ms/)
      return true
    })
    assert.ok(performance.now() - t0 < 8000)
  })
})
