// The Kudu adapter against a local HTTPS server: bearer only, https and same-host only, token caching and one
// refresh on 401, 403 → auth error naming the role, ranges, and connection failures as retryable errors.
import assert from 'node:assert/strict'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {after, before, beforeEach, describe, it} from 'node:test'
import type {AccessToken} from '@azure/core-auth'
import {createKuduAdapter, kuduScope} from '../../src/adapters/azure/kudu.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {isRetryableScmError} from '../../src/services/logs.js'
import {ensureTestCa} from '../helpers/tls.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

describe('kudu adapter', () => {
  const tls = ensureTestCa()
  let server: Server
  let host = ''
  let handler: Handler = (_req, res) => res.end()
  const seen: Array<{url: string; auth: string; range: string}> = []
  let tokens: string[] = []
  let tokenCalls = 0
  const credential = {
    getToken: async (): Promise<AccessToken> => {
      tokenCalls++
      return {token: tokens.shift() ?? 'tok-default', expiresOnTimestamp: Date.now() + 3600_000}
    },
  }
  const kudu = () =>
    createKuduAdapter({host, app: 'shop', credential, scope: 's', signal: new AbortController().signal, ca: tls.ca})

  before(async () => {
    server = createServer({cert: tls.cert, key: tls.key}, (req, res) => {
      seen.push({url: req.url ?? '', auth: req.headers.authorization ?? '', range: req.headers.range ?? ''})
      handler(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  beforeEach(() => {
    seen.length = 0
    tokens = []
    tokenCalls = 0
  })

  it('lists Docker logs with the bearer token and takes the name from path or href', async () => {
    handler = (_req, res) =>
      res.end(
        JSON.stringify([
          {machineName: 'lw0', lastUpdated: 'x', size: 12, href: `https://${host}/api/vfs/LogFiles/a_docker.log`},
          {size: 3, href: `https://${host}/api/vfs/x`, path: '/home/LogFiles/2026_11_28_lw0_docker.log'},
          {machineName: 'no href'},
        ]),
      )
    const files = await kudu().listDockerLogs()
    assert.deepEqual(
      files.map((f) => [f.name, f.size]),
      [
        ['a_docker.log', 12],
        ['2026_11_28_lw0_docker.log', 3],
      ],
    )
    assert.deepEqual(seen[0], {url: '/api/logs/docker', auth: 'Bearer tok-default', range: ''})
  })

  it('reads from an offset with Range and understands 206, 200 (range ignored) and 416', async () => {
    const k = kudu()
    const href = `https://${host}/api/vfs/LogFiles/f.log`
    handler = (_req, res) => {
      res.writeHead(206, {'content-range': 'bytes 5-9/10'})
      res.end('56789')
    }
    assert.deepEqual(await k.readFile(href, 5), {from: 5, data: Buffer.from('56789'), size: 10})
    assert.equal(seen.at(-1)?.range, 'bytes=5-')
    handler = (_req, res) => res.end('0123456789')
    assert.deepEqual(await k.readFile(href, 5), {from: 0, data: Buffer.from('0123456789'), size: 10})
    handler = (_req, res) => {
      res.writeHead(416, {'content-range': 'bytes */3'})
      res.end()
    }
    assert.deepEqual(await k.readFile(href, 5), {from: 5, data: new Uint8Array(0), size: 3})
    handler = (_req, res) => {
      res.writeHead(404)
      res.end()
    }
    assert.equal(await k.readFile(href, 0), null)
    assert.equal(seen.at(-1)?.range, '', 'no Range from offset 0')
    assert.equal(tokenCalls, 1, 'the token is cached')
  })

  it('never sends the token over http or to another host', async () => {
    const k = kudu()
    await assert.rejects(k.readFile(`http://${host}/api/vfs/LogFiles/f.log`, 0), {code: 'SCM_INSECURE_URL'})
    await assert.rejects(k.readFile('https://evil.example/api/vfs/f.log', 0), {code: 'SCM_FOREIGN_URL'})
    assert.equal(seen.length, 0)
    assert.throws(() =>
      createKuduAdapter({host: 'a@b', app: 'x', credential, scope: 's', signal: new AbortController().signal}),
    )
  })

  it('refreshes the token once on 401, then names the role it needs', async () => {
    tokens = ['stale', 'fresh']
    handler = (req, res) => {
      res.writeHead(req.headers.authorization === 'Bearer fresh' ? 200 : 401)
      res.end('[]')
    }
    assert.deepEqual(await kudu().listDockerLogs(), [])
    assert.deepEqual(
      seen.map((s) => s.auth),
      ['Bearer stale', 'Bearer fresh'],
    )
    handler = (_req, res) => {
      res.writeHead(401)
      res.end()
    }
    await assert.rejects(kudu().listDockerLogs(), (e: Error & {code?: string; exitCode?: number; hint?: string}) => {
      assert.equal(e.code, 'SCM_NOT_AUTHENTICATED')
      assert.equal(e.exitCode, 3)
      assert.match(e.hint ?? '', /Website Contributor/)
      return true
    })
    handler = (_req, res) => {
      res.writeHead(403)
      res.end()
    }
    await assert.rejects(kudu().listDockerLogs(), {code: 'SCM_FORBIDDEN', exitCode: 3})
  })

  it('turns 5xx and dropped connections into retryable errors', async () => {
    handler = (_req, res) => {
      res.writeHead(503)
      res.end()
    }
    const e503 = await kudu()
      .listDockerLogs()
      .catch((e: unknown) => e)
    assert.ok(isRetryableScmError(e503), String(e503))
    handler = (req) => req.socket.destroy()
    const dropped = await kudu()
      .listDockerLogs()
      .catch((e: unknown) => e)
    assert.ok(isRetryableScmError(dropped), String(dropped))
    assert.match((dropped as Error).message, /Could not reach the SCM site/)
    handler = (_req, res) => {
      res.writeHead(400)
      res.end()
    }
    const e400 = await kudu()
      .listDockerLogs()
      .catch((e: unknown) => e)
    assert.ok(!isRetryableScmError(e400))
  })

  it('asks for the ARM audience in the public cloud and the management.core one in sovereign clouds', () => {
    assert.equal(kuduScope(resolveCloud('AzureCloud', {})), 'https://management.azure.com/.default')
    assert.equal(kuduScope(resolveCloud('AzureChinaCloud', {})), 'https://management.core.chinacloudapi.cn/.default')
    assert.equal(kuduScope(resolveCloud('AzureUSGovernment', {})), 'https://management.core.usgovcloudapi.net/.default')
  })
})
