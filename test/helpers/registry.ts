// A real registry for integration tests: Debian's `docker-registry` (distribution v2.8) on 127.0.0.1 with TLS from
// ensureTestCa(), filesystem storage in a temp dir under <repo>/.test-tmp/, and optional htpasswd (bcrypt) auth.
// Requires the Debian packages `docker-registry` and `apache2-utils` (for `htpasswd -B`); fails loudly without them.
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {ensureTestCa, repoRoot} from './tls.js'

export const REGISTRY_BIN = '/usr/bin/docker-registry'

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  host: string
  /** https://127.0.0.1:PORT */
  url: string
  /** PEM of the CA that signed the registry's certificate. */
  ca: string
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

function bcryptEntry(username: string, password: string): string {
  try {
    return execFileSync('htpasswd', ['-nbB', username, password], {encoding: 'utf8'}).trim()
  } catch (err) {
    throw new Error(
      `startRegistry: 'htpasswd -nbB' failed (${(err as Error).message}); install Debian's apache2-utils package`,
    )
  }
}

/** Polls GET /v2/ until the registry answers (200 or 401), the process dies, or 20 s pass. */
async function waitReady(url: string, ca: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`docker-registry exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${log()}`)
    }
    const status = await new Promise<number>((resolve) => {
      const req = https.get(`${url}/v2/`, {ca, timeout: 1000}, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(0))
    })
    if (status === 200 || status === 401) return
    if (Date.now() > deadline) throw new Error(`docker-registry at ${url} not ready after 20 s:\n${log()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function startRegistry(opts: {auth?: {username: string; password: string}} = {}): Promise<TestRegistry> {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(
      `${REGISTRY_BIN} is missing: install Debian's docker-registry package (apt-get install docker-registry apache2-utils)`,
    )
  }
  const tls = ensureTestCa()
  const base = join(repoRoot(), '.test-tmp')
  mkdirSync(base, {recursive: true})
  const dir = mkdtempSync(join(base, 'registry-'))
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    '  addr: ADDR',
    `  secret: ${Math.random().toString(36).slice(2)}`,
    '  tls:',
    `    certificate: ${JSON.stringify(tls.certPath)}`,
    `    key: ${JSON.stringify(tls.keyPath)}`,
  ]
  if (opts.auth) {
    writeFileSync(join(dir, 'htpasswd'), `${bcryptEntry(opts.auth.username, opts.auth.password)}\n`)
    lines.push('auth:', '  htpasswd:', '    realm: azdeploy-test', `    path: ${JSON.stringify(join(dir, 'htpasswd'))}`)
  }

  // A free port can be taken between probing and binding: try a few times.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const host = `127.0.0.1:${port}`
    const config = join(dir, 'config.yml')
    writeFileSync(config, `${lines.join('\n').replace('ADDR', host)}\n`)
    const proc = spawn(REGISTRY_BIN, ['serve', config], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env}})
    let output = ''
    const collect = (c: Buffer) => {
      output = (output + c.toString()).slice(-8000)
    }
    proc.stdout?.on('data', collect)
    proc.stderr?.on('data', collect)
    const url = `https://${host}`
    try {
      await waitReady(url, tls.ca, proc, () => output)
    } catch (err) {
      proc.kill('SIGKILL')
      if (attempt < 3 && /address already in use/.test(output)) continue
      rmSync(dir, {recursive: true, force: true})
      throw err
    }
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve()
      else proc.once('exit', () => resolve())
    })
    return {
      host,
      url,
      ca: tls.ca,
      async stop() {
        proc.kill('SIGTERM')
        await exited
        rmSync(dir, {recursive: true, force: true})
      },
    }
  }
}
