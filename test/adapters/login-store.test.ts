import assert from 'node:assert/strict'
import {chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import {loginFilePath, readLogin} from '../../src/adapters/identity/login-store.js'
import {StoredLoginCredential} from '../../src/adapters/identity/stored-login.js'
import {login} from '../../src/app/session.js'
import {resolveCloud} from '../../src/core/cloud.js'
import {AuthError} from '../../src/core/errors.js'
import {type EntraStandIn, startEntraStandIn} from '../helpers/entra-stand-in.js'

const ARM_SCOPE = 'https://management.azure.com/.default'

let dir: string
let entra: EntraStandIn
const env = () => ({AZDEPLOY_CONFIG_DIR: join(dir, 'cfg'), AZURE_AUTHORITY_HOST: entra.url})
const cloud = () => resolveCloud(undefined, env())

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'azdeploy-login-store-'))
  entra = await startEntraStandIn()
})
afterEach(() => rmSync(join(dir, 'cfg'), {recursive: true, force: true}))
after(async () => {
  await entra.close()
  rmSync(dir, {recursive: true, force: true})
})

describe('login store hardening', () => {
  const deviceLogin = () =>
    login({env: env(), method: 'device-code', ca: entra.ca}, {onDeviceCode: () => {}, onBrowserUrl: () => {}})
  const insecure = (re: RegExp) => (e: unknown) =>
    e instanceof AuthError && e.code === 'LOGIN_FILE_INSECURE' && re.test(`${e.message} ${e.hint}`)

  it('never changes the mode of the directory above its own, and tightens its own', async () => {
    mkdirSync(join(dir, 'cfg'), {mode: 0o755})
    chmodSync(join(dir, 'cfg'), 0o755)
    mkdirSync(join(dir, 'cfg', 'azdeploy'), {mode: 0o755})
    chmodSync(join(dir, 'cfg', 'azdeploy'), 0o755)
    await deviceLogin()
    assert.equal(statSync(join(dir, 'cfg')).mode & 0o777, 0o755, 'the config root is left alone')
    assert.equal(statSync(join(dir, 'cfg', 'azdeploy')).mode & 0o777, 0o700, "azdeploy's own directory is 0700")
  })

  it('refuses a login file others can read, naming the fix', async () => {
    await deviceLogin()
    chmodSync(loginFilePath(env()), 0o644)
    await assert.rejects(readLogin(env()), insecure(/mode 644.*chmod 600/s))
    await assert.rejects(
      new StoredLoginCredential({env: env(), cloud: cloud(), ca: entra.ca}).getToken(ARM_SCOPE),
      insecure(/chmod 600/),
    )
  })

  it('refuses a symlinked login file and a symlinked azdeploy directory', async () => {
    const {symlinkSync} = await import('node:fs')
    await deviceLogin()
    const real = join(dir, 'elsewhere.json')
    writeFileSync(real, readFileSync(loginFilePath(env())), {mode: 0o600})
    rmSync(loginFilePath(env()))
    symlinkSync(real, loginFilePath(env()))
    await assert.rejects(readLogin(env()), insecure(/symbolic link/))
    await assert.rejects(deviceLogin(), insecure(/symbolic link/))
    assert.ok(lstatSync(loginFilePath(env())).isSymbolicLink(), 'the link was not followed or replaced')

    rmSync(join(dir, 'cfg'), {recursive: true, force: true})
    mkdirSync(join(dir, 'cfg'))
    mkdirSync(join(dir, 'real-dir'), {mode: 0o700})
    symlinkSync(join(dir, 'real-dir'), join(dir, 'cfg', 'azdeploy'))
    await assert.rejects(deviceLogin(), insecure(/symbolic link/))
    await assert.rejects(readLogin(env()), insecure(/symbolic link/))
  })

  it('refuses a login file that belongs to another user', {skip: process.getuid?.() !== 0}, async () => {
    const {chownSync} = await import('node:fs')
    await deviceLogin()
    chownSync(loginFilePath(env()), 4242, 4242)
    await assert.rejects(readLogin(env()), insecure(/belongs to another user \(uid 4242\)/))
  })
})
