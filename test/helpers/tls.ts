// Test TLS material: a throw-away CA plus a server certificate (SAN IP:127.0.0.1, DNS:localhost) signed by it.
// Generated once with the openssl CLI and cached under <repo>/.test-tmp/tls. Safe for concurrent test processes:
// each generates into a private temp directory and atomically renames it into place; the loser discards its copy.
//
// Trusting the CA:
// - child processes: env NODE_EXTRA_CA_CERTS=<caCertPath> (read by Node only at process start);
// - in-process Azure SDK clients: pass `tlsOptions: {ca}` in the client options (core-rest-pipeline tlsPolicy);
// - plain node:https: `https.request(url, {ca})`.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export interface TestTls {
  caCertPath: string
  certPath: string
  keyPath: string
  ca: string
  cert: string
  key: string
}

/** Repository root: the nearest ancestor of this (compiled) file that holds package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error('repoRoot: no package.json above ' + fileURLToPath(import.meta.url))
    dir = up
  }
}

const FILES = ['ca.pem', 'server.pem', 'server.key'] as const
let cached: TestTls | undefined

function complete(dir: string): boolean {
  return FILES.every((f) => existsSync(join(dir, f)))
}

function generate(dir: string): void {
  mkdirSync(dir, {recursive: true})
  const run = (args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=azdeploy test CA'])
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'])
  writeFileSync(
    join(dir, 'ext.cnf'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'),
  )
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    '0x' + Date.now().toString(16),
    '-days',
    '3650',
    '-extfile',
    'ext.cnf',
    '-out',
    'server.pem',
  ])
}

/** Returns the cached test CA + server certificate, generating them on first use. */
export function ensureTestCa(): TestTls {
  if (cached) return cached
  const base = join(repoRoot(), '.test-tmp')
  const dir = join(base, 'tls')
  if (!complete(dir)) {
    const tmp = join(base, `tls.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`)
    try {
      generate(tmp)
      try {
        renameSync(tmp, dir)
      } catch (err) {
        // Another process won the race (EEXIST/ENOTEMPTY) - use its copy.
        if (!complete(dir)) throw err
      }
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  }
  const caCertPath = join(dir, 'ca.pem')
  const certPath = join(dir, 'server.pem')
  const keyPath = join(dir, 'server.key')
  cached = {
    caCertPath,
    certPath,
    keyPath,
    ca: readFileSync(caCertPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
  }
  return cached
}
