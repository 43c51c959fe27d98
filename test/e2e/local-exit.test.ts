// A second signal while `docker run` is still in flight (a fake docker that never returns from `run`): azdeploy
// exits at once, yet the 0600 env file holding the setting values is gone from the temp dir, `docker run` is
// stopped and the container is removed. No Docker engine needed.
import assert from 'node:assert/strict'
import {chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {cliEnv, tempDir} from '../helpers/run-cli.js'
import {assertForcedExit, startCli} from '../helpers/spawn-cli.js'

function fakeDocker(dir: string): {log: string} {
  const log = join(dir, 'docker.log')
  const bin = join(dir, 'docker')
  writeFileSync(
    bin,
    // ESM: the file sits under this repository's package.json ("type": "module").
    `#!${process.execPath}
import fs from 'node:fs'
const args = process.argv.slice(2)
const log = (line) => fs.appendFileSync(${JSON.stringify(log)}, line + '\\n')
if (args[0] === 'image' && args[1] === 'inspect') {
  process.stdout.write(JSON.stringify({Id: 'sha256:1', Os: 'linux', Architecture: 'amd64',
    Config: {ExposedPorts: {'8080/tcp': {}}, Cmd: ['/serve']}}))
} else if (args[0] === 'container' && args[1] === 'inspect') {
  process.stderr.write('Error: No such container: ' + args.at(-1) + '\\n')
  process.exit(1)
} else if (args[0] === 'run') {
  const file = args[args.indexOf('--env-file') + 1]
  log('run ' + file + ' ' + fs.readFileSync(file, 'utf8').trim())
  setInterval(() => {}, 1000) // never returns, like a wedged engine
} else if (args[0] === 'rm') {
  log('rm ' + args.at(-1))
} else {
  log('other ' + args.join(' '))
}
`,
  )
  chmodSync(bin, 0o755)
  return {log}
}

describe('up --local: exiting at once', () => {
  test('SIGINT and SIGTERM during `docker run`: exits at once, deletes the env file, removes the container', async () => {
    const home = tempDir('local-exit')
    const bin = tempDir('fake-docker')
    const tmp = tempDir('tmp')
    const {log} = fakeDocker(bin)
    try {
      const base = cliEnv({url: 'https://127.0.0.1:9/'}, home)
      const env = {...base, PATH: `${bin}:${base.PATH}`, TMPDIR: tmp, APP_SECRET: 'hunter2-value'}
      const args = ['up', '--local', '--image', 'demo:1', '--app', 'exit-now', '--env', 'APP_SECRET']
      const run = startCli(args, {cwd: home, env})
      await run.waitFor(/Start azdeploy-local-exit-now/)
      while (!existsSync(log) || !readFileSync(log, 'utf8').includes('run ')) {
        await new Promise((r) => setTimeout(r, 20))
      }
      const [, envFile, content] = /^run (\S+) (.*)$/m.exec(readFileSync(log, 'utf8'))!
      assert.equal(content, 'APP_SECRET=hunter2-value', 'the fake saw the setting in the env file')
      assert.ok(envFile!.startsWith(tmp))
      run.kill('SIGINT')
      run.kill('SIGTERM')
      const said = assertForcedExit(await run.closed, run.stderr)
      assert.equal(existsSync(envFile!), false, 'the env file is deleted')
      assert.deepEqual(readdirSync(tmp), [], 'nothing is left in the temp dir')
      assert.match(readFileSync(log, 'utf8'), /^rm azdeploy-local-exit-now$/m)
      // The first signal also stops `docker run` (which deletes the env file itself): the forced exit may find
      // that part already done, and then does not claim it.
      assert.match(
        said,
        /^stopped at once; (deleted the env file of `docker run`; )?removed the local container azdeploy-local-exit-now$/,
      )
      assert.ok(!run.stderr.includes('hunter2-value') && !run.stdout.includes('hunter2-value'))
    } finally {
      for (const d of [home, bin, tmp]) rmSync(d, {recursive: true, force: true})
    }
  })

  test('one SIGINT during a `docker run` that does not return: stops it, removes the container, says so', async () => {
    const home = tempDir('local-int')
    const bin = tempDir('fake-docker')
    const tmp = tempDir('tmp')
    const {log} = fakeDocker(bin)
    try {
      const base = cliEnv({url: 'https://127.0.0.1:9/'}, home)
      const env = {...base, PATH: `${bin}:${base.PATH}`, TMPDIR: tmp, APP_SECRET: 'hunter2-value'}
      const run = startCli(['up', '--local', '--image', 'demo:1', '--app', 'int-once', '--env', 'APP_SECRET'], {
        cwd: home,
        env,
      })
      while (!existsSync(log) || !readFileSync(log, 'utf8').includes('run ')) {
        await new Promise((r) => setTimeout(r, 20))
      }
      const envFile = /^run (\S+) /m.exec(readFileSync(log, 'utf8'))![1]!
      run.kill('SIGINT')
      assert.equal(await run.closed, 130, run.stderr)
      assert.match(
        run.stderr,
        /Error \(INTERRUPTED\): Interrupted; the local container azdeploy-local-int-once was removed/,
      )
      assert.match(run.stderr, /Try: Nothing in Azure was touched \(a local run\)/)
      assert.doesNotMatch(run.stderr, /Azure may still/)
      assert.match(readFileSync(log, 'utf8'), /^rm azdeploy-local-int-once$/m)
      assert.equal(existsSync(envFile), false, 'the env file is deleted')
      assert.deepEqual(readdirSync(tmp), [])
      assert.ok(!run.stderr.includes('hunter2-value') && !run.stdout.includes('hunter2-value'))
    } finally {
      for (const d of [home, bin, tmp]) rmSync(d, {recursive: true, force: true})
    }
  })
})
