// The quick start's install path: `npm pack` the built package, install the tarball globally into a temp prefix
// (offline: the dependencies are bundled into the tarball, since the npm cache of a clone holds no registry
// metadata), and run `azdeploy --help` from another directory. Also: the $schema path the docs give exists.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {tempDir} from '../helpers/run-cli.js'
import {repoRoot} from '../helpers/tls.js'

const ROOT = repoRoot()

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, {cwd, encoding: 'utf8', timeout: 240_000, env: {...process.env, NO_COLOR: '1'}})
  assert.equal(r.status, 0, `npm ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

describe('npm pack → npm install -g --prefix → azdeploy --help', {timeout: 300_000}, () => {
  const dir = tempDir('pack')
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('installs offline from the tarball and runs from another directory; the schema ships', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      files: string[]
      dependencies: Record<string, string>
      scripts?: unknown
      bundleDependencies?: string[]
    }
    // Stage exactly what `files` publishes, plus the dependencies to bundle (taken from this clone's node_modules).
    const stage = join(dir, 'stage')
    for (const f of [...pkg.files, 'README.md'])
      if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(stage, f), {recursive: true})
    pkg.bundleDependencies = Object.keys(pkg.dependencies)
    delete pkg.scripts
    writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2))
    symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'))
    npm(['pack', '--pack-destination', dir, '--silent'], stage)
    const tgz = readdirSync(dir).find((n) => /^azdeploy-.*\.tgz$/.test(n))
    assert.ok(tgz, 'npm pack wrote azdeploy-<version>.tgz')

    const prefix = join(dir, 'prefix')
    npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, tgz)], dir)
    const elsewhere = tempDir('pack-cwd')
    try {
      const help = spawnSync(join(prefix, 'bin', 'azdeploy'), ['--help'], {
        cwd: elsewhere,
        encoding: 'utf8',
        timeout: 30_000,
      })
      assert.equal(help.status, 0, help.stderr)
      assert.match(help.stdout, /Deploy a container image to Azure App Service/)
      assert.match(help.stdout, /doctor/)
      const doctor = spawnSync(join(prefix, 'bin', 'azdeploy'), ['doctor', join(ROOT, 'examples', 'hello')], {
        cwd: elsewhere,
        encoding: 'utf8',
        timeout: 30_000,
        env: {...process.env, CI: 'true', NO_COLOR: '1'},
      })
      assert.equal(doctor.status, 0, doctor.stderr)
    } finally {
      rmSync(elsewhere, {recursive: true, force: true})
    }
    // README: `# yaml-language-server: $schema=./node_modules/azdeploy/schemas/azdeploy.schema.json`
    const installed = join(prefix, 'lib', 'node_modules', 'azdeploy')
    const schema = join(installed, 'schemas', 'azdeploy.schema.json')
    assert.ok(existsSync(schema), schema)
    assert.equal(typeof (JSON.parse(readFileSync(schema, 'utf8')) as {$schema?: unknown}).$schema, 'string')
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    for (const m of readme.matchAll(/\$schema=\.\/node_modules\/azdeploy\/([^\s)`]+)/g))
      assert.ok(existsSync(join(installed, m[1]!)), `README's $schema path ${m[1]} is in the installed package`)
  })
})
