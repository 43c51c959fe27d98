/**
 * Where `azdeploy login` keeps its sign-in: one file, `<config>/azdeploy/login.json`, where `<config>` is
 * `$AZDEPLOY_CONFIG_DIR`, else `$XDG_CONFIG_HOME`, else `~/.config`. The file holds who signed in (for `whoami`
 * and the error texts) and MSAL's token cache minus access and id tokens: the refresh token and the account.
 *
 * Hardening (POSIX): the `azdeploy` directory is azdeploy's own and kept at 0700 (created so; tightened when it is
 * ours and looser); the directory above it is never created with a special mode nor chmod-ed. A symlinked azdeploy
 * directory or login file is refused, and so is a login file another user owns or that group/others can read: a
 * clear error with the fix, never a silent use. The file is written 0600 and replaced atomically (write + rename).
 * Plain file on purpose: a native keychain module cannot be installed offline.
 */

import {randomBytes} from 'node:crypto'
import {chmod, lstat, mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import type {CloudName} from '../../core/cloud.js'
import {AuthError} from '../../core/errors.js'
import {readKnobs} from '../../core/knobs.js'

type Env = Record<string, string | undefined>

export interface StoredAccount {
  username: string
  oid: string
  homeTenant: string
  /** MSAL's account key (`<oid>.<tid>`). */
  homeAccountId?: string
}

export interface StoredLogin {
  tenantId: string
  clientId: string
  account: StoredAccount
  cloud: CloudName
  /** The authority host the login was made against (AZURE_AUTHORITY_HOST or the cloud's). */
  authorityHost?: string
  /** MSAL's serialized token cache (refresh token, account; no access or id tokens). */
  msalCache?: string
  /** A refresh token from the login format before MSAL (redeemed once, then replaced by `msalCache`). */
  refreshToken?: string
  savedAt?: string
}

/**
 * Marks "this credential cannot answer here, try the next one". Named like @azure/identity's error so both our
 * chain and ChainedTokenCredential move on (they compare `err.name`).
 */
export class CredentialUnavailable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CredentialUnavailableError'
  }
}

/** azdeploy's own directory for the login: `<AZDEPLOY_CONFIG_DIR | XDG_CONFIG_HOME | ~/.config>/azdeploy`. */
export function loginDir(env: Env): string {
  const base = readKnobs(env).configDir || env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config')
  return join(base, 'azdeploy')
}

export function loginFilePath(env: Env): string {
  return join(loginDir(env), 'login.json')
}

const POSIX = process.platform !== 'win32'
const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1)

function insecure(message: string, hint: string): AuthError {
  return new AuthError('LOGIN_FILE_INSECURE', message, hint)
}

/** Checks the directory (when it exists): a real directory, ours. Returns false when it does not exist. */
async function checkDir(dir: string): Promise<boolean> {
  let st: Awaited<ReturnType<typeof lstat>>
  try {
    st = await lstat(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  if (st.isSymbolicLink()) {
    throw insecure(
      `${dir} is a symbolic link; azdeploy keeps its login only in a real directory it owns`,
      `Remove the link (rm ${dir}) and run \`azdeploy login\` again, or point AZDEPLOY_CONFIG_DIR elsewhere`,
    )
  }
  if (!st.isDirectory()) {
    throw insecure(`${dir} is not a directory`, `Remove it (rm ${dir}) and run \`azdeploy login\` again`)
  }
  if (POSIX && st.uid !== uid()) {
    throw insecure(
      `${dir} belongs to another user (uid ${st.uid}); azdeploy will not keep a login there`,
      'Set AZDEPLOY_CONFIG_DIR to a directory of your own, or remove that directory',
    )
  }
  return true
}

/** Refuses a symlinked login file, one another user owns, or one group/others can read. */
async function checkFile(path: string): Promise<boolean> {
  let st: Awaited<ReturnType<typeof lstat>>
  try {
    st = await lstat(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw new CredentialUnavailable(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  if (st.isSymbolicLink()) {
    throw insecure(
      `${path} is a symbolic link; azdeploy reads its login only from a regular file`,
      `Remove it (rm ${path}) and run \`azdeploy login\` again`,
    )
  }
  if (!st.isFile()) throw insecure(`${path} is not a regular file`, `Remove it and run \`azdeploy login\` again`)
  if (!POSIX) return true
  if (st.uid !== uid()) {
    throw insecure(
      `${path} belongs to another user (uid ${st.uid}), so its sign-in is not yours to use`,
      `Remove it (rm ${path}) and run \`azdeploy login\` again`,
    )
  }
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0')
    throw insecure(
      `${path} has mode ${mode}: other users could read the saved sign-in`,
      `Run \`chmod 600 ${path}\` (or \`azdeploy logout\` and log in again); if others could read it, revoke the sessions of that account`,
    )
  }
  return true
}

function isLogin(v: unknown): v is StoredLogin {
  if (!v || typeof v !== 'object') return false
  const o = v as Record<string, unknown>
  const account = o['account'] as Record<string, unknown> | undefined
  return (
    typeof o['tenantId'] === 'string' &&
    typeof o['clientId'] === 'string' &&
    (typeof o['msalCache'] === 'string' || typeof o['refreshToken'] === 'string') &&
    typeof o['cloud'] === 'string' &&
    !!account &&
    typeof account['username'] === 'string'
  )
}

/** undefined when nobody logged in; CredentialUnavailable when the file exists but is not a login. */
export async function readLogin(env: Env): Promise<StoredLogin | undefined> {
  const path = loginFilePath(env)
  if (!(await checkDir(dirname(path)))) return undefined
  if (!(await checkFile(path))) return undefined
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new CredentialUnavailable(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!isLogin(parsed)) throw new CredentialUnavailable(`${path} is not a login saved by azdeploy`)
  return parsed
}

/** Creates azdeploy's directory 0700 (its parents with the default mode), or tightens it when it is ours. */
async function ensureDir(dir: string): Promise<void> {
  if (await checkDir(dir)) {
    if (POSIX && ((await lstat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700)
    return
  }
  await mkdir(dirname(dir), {recursive: true})
  try {
    await mkdir(dir, {mode: 0o700})
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  await checkDir(dir)
  // mkdir's mode is filtered by the umask; the directory is new and ours, so set it exactly.
  if (POSIX) await chmod(dir, 0o700)
}

export async function writeLogin(env: Env, login: StoredLogin): Promise<string> {
  const path = loginFilePath(env)
  await ensureDir(dirname(path))
  try {
    const st = await lstat(path)
    if (st.isSymbolicLink() || !st.isFile()) await checkFile(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, `${JSON.stringify({...login, savedAt: new Date().toISOString()}, null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    })
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, {force: true})
    throw e
  }
  return path
}

export async function deleteLogin(env: Env): Promise<{removed: boolean; path: string}> {
  const path = loginFilePath(env)
  let removed = true
  try {
    // rm of a symlink removes the link, never its target.
    await rm(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    removed = false
  }
  return {removed, path}
}
