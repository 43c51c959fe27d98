/**
 * The Azure CLI as a TokenCredential: `az account get-access-token --output json --resource <r>` (no shell, fixed
 * arguments, the token only ever on stdout), as @azure/identity's AzureCliCredential does. Written here so a
 * sign-in through `az` needs no @azure/identity module at all (it costs ~150 ms to load), and because the same
 * answer names the CLI's default subscription and tenant, which saves a second `az account show` process.
 */

import {execFile} from 'node:child_process'
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import {childEnv} from '../system/child-env.js'
import {CredentialUnavailable} from './login-store.js'

export interface CliAccount {
  subscription?: string
  tenant?: string
}

const SCOPE = /^[0-9a-zA-Z-_.:/]+$/

export class AzureCliTokenCredential implements TokenCredential {
  /** The CLI's default subscription and tenant, as of the last token. */
  account: CliAccount | undefined
  readonly #tenantId: string | undefined
  readonly #timeoutMs: number

  constructor(o: {tenantId?: string; processTimeoutInMs?: number} = {}) {
    this.#tenantId = o.tenantId
    this.#timeoutMs = o.processTimeoutInMs ?? 20_000
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = [scopes].flat()[0] ?? ''
    if (!SCOPE.test(scope)) throw new Error(`Invalid scope for the Azure CLI: ${scope}`)
    const resource = scope.replace(/\/\.default$/, '')
    const tenant = options?.tenantId ?? this.#tenantId
    const args = ['account', 'get-access-token', '--output', 'json', '--resource', resource]
    if (tenant) args.push('--tenant', tenant)
    const {stdout, stderr, error} = await run(args, this.#timeoutMs)
    if (error) {
      const text = `${stderr}\n${error.message}`
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        /az: (command )?not found|is not recognized/i.test(text)
      ) {
        throw new CredentialUnavailable('Azure CLI could not be found (install it, or sign in another way)')
      }
      if (/az login|az account set/i.test(text)) {
        throw new CredentialUnavailable("Please run 'az login' to set up an account")
      }
      throw new CredentialUnavailable(`Azure CLI failed: ${(stderr || error.message).trim().split('\n')[0]}`)
    }
    let out: {
      accessToken?: string
      expires_on?: number | string
      expiresOn?: string
      subscription?: string
      tenant?: string
    }
    try {
      out = JSON.parse(stdout)
    } catch {
      throw new CredentialUnavailable('Azure CLI did not answer with JSON')
    }
    if (!out.accessToken) throw new CredentialUnavailable('Azure CLI returned no access token')
    const epoch = Number(out.expires_on)
    const expiresOnTimestamp = Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.parse(out.expiresOn ?? '')
    this.account = {
      ...(out.subscription ? {subscription: out.subscription} : {}),
      ...(out.tenant ? {tenant: out.tenant} : {}),
    }
    return {
      token: out.accessToken,
      expiresOnTimestamp: Number.isFinite(expiresOnTimestamp) ? expiresOnTimestamp : Date.now() + 30 * 60_000,
      tokenType: 'Bearer',
    }
  }
}

function run(args: string[], timeout: number): Promise<{stdout: string; stderr: string; error: Error | null}> {
  const windows = process.platform === 'win32'
  const cwd = windows ? (process.env['SystemRoot'] ?? 'C:\\Windows') : '/bin'
  const [file, argv] = windows ? ['cmd.exe', ['/d', '/s', '/c', 'az', ...args]] : ['az', args]
  return new Promise((resolve) => {
    execFile(
      file as string,
      argv as string[],
      {cwd, timeout, windowsHide: true, maxBuffer: 1024 * 1024, env: childEnv()},
      (error, stdout, stderr) => resolve({stdout: String(stdout), stderr: String(stderr), error}),
    )
  })
}
