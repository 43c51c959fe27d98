// Child processes (git, docker, az) never run a repository's hooks or see azdeploy's secrets.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {gitState} from '../../src/adapters/docker/docker-cli.js'
import {childEnv} from '../../src/adapters/system/child-env.js'

describe('child processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'azdeploy-git-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it("git status does not run the repository's core.fsmonitor hook", async () => {
    const git = (...a: string[]) => execFileSync('git', a, {cwd: dir, stdio: 'ignore'})
    git('init', '-q')
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x')
    const marker = join(dir, 'hook-ran')
    const hook = join(dir, 'hook.sh')
    writeFileSync(hook, `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`)
    chmodSync(hook, 0o755)
    git('config', 'core.fsmonitor', hook)
    const state = await gitState(dir)
    assert.ok(state, 'a git state was read')
    assert.equal(existsSync(marker), false, 'the hook did not run')
  })

  it('the environment of a child leaves out the secrets azdeploy reads', () => {
    const env = childEnv({PATH: '/bin', AZDEPLOY_REGISTRY_PASSWORD: 'p', AZURE_CLIENT_SECRET: 's', HOME: '/h'})
    assert.deepEqual(env, {PATH: '/bin', HOME: '/h'})
  })
})
