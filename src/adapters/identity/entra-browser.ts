/**
 * Browser sign-in for `azdeploy login`: authorization code + PKCE (S256) with a loopback redirect
 * (`http://localhost:<port>`, listener bound to 127.0.0.1). The browser is started without a shell; when it cannot
 * be, the caller prints the URL. The code is redeemed over plain node:https (entra-oauth.ts).
 */
import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {AuthError} from '../../core/errors.js'
import {Secret} from '../../core/secret.js'
import {
  EntraError,
  endpointUrl,
  failed,
  HINT_RETRY,
  type OAuthEndpoint,
  postForm,
  type TokenSet,
  toTokenSet,
} from './entra-oauth.js'

export interface BrowserFlowOptions extends OAuthEndpoint {
  scopes: string[]
  /** Called with the sign-in URL and whether a browser could be started for it. */
  onUrl: (url: string, opened: boolean) => void
  openBrowser?: (url: string) => Promise<boolean>
  timeoutMs?: number
  signal?: AbortSignal
}

/** Starts the platform's URL opener without a shell; false when it cannot be started. */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const [cmd, args]: [string, string[]] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]]
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {stdio: 'ignore', detached: true, shell: false})
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}

const b64url = (b: Buffer) => b.toString('base64url')

/** Authorization code + PKCE (S256) with a loopback listener on 127.0.0.1; redirect http://localhost:<port>. */
export async function browserFlow(o: BrowserFlowOptions): Promise<TokenSet> {
  const verifier = b64url(randomBytes(32))
  const challenge = b64url(createHash('sha256').update(verifier).digest())
  const state = b64url(randomBytes(16))
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  try {
    const redirectUri = `http://localhost:${(server.address() as AddressInfo).port}`
    const code = waitForCode(server, state, o)
    code.catch(() => undefined) // awaited below; this only keeps an early rejection from being "unhandled"
    const url = new URL(endpointUrl(o, 'authorize'))
    url.search = new URLSearchParams({
      client_id: o.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'query',
      scope: o.scopes.join(' '),
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString()
    const opened = await (o.openBrowser ?? openInBrowser)(url.toString()).catch(() => false)
    o.onUrl(url.toString(), opened)
    const authCode = await code
    try {
      const json = await postForm(endpointUrl(o, 'token'), {
        grant_type: 'authorization_code',
        client_id: o.clientId,
        code: authCode.reveal(),
        redirect_uri: redirectUri,
        code_verifier: verifier,
        scope: o.scopes.join(' '),
      })
      return toTokenSet(json, Date.now())
    } catch (e) {
      throw e instanceof EntraError ? failed(e, 'authorization code') : e
    }
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

function waitForCode(server: ReturnType<typeof createServer>, state: string, o: BrowserFlowOptions): Promise<Secret> {
  return new Promise<Secret>((resolve, reject) => {
    const timeoutMs = o.timeoutMs ?? 5 * 60_000
    const timer = setTimeout(
      () => reject(new AuthError('LOGIN_TIMEOUT', `No sign-in arrived within ${timeoutMs / 1000} s`, HINT_RETRY)),
      timeoutMs,
    )
    timer.unref()
    const finish = (f: () => void) => {
      clearTimeout(timer)
      f()
    }
    o.signal?.addEventListener('abort', () => finish(() => reject(o.signal?.reason)), {once: true})
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const q = new URL(req.url ?? '/', 'http://localhost').searchParams
      if (!q.has('code') && !q.has('error')) return page(res, 404, 'Not found.')
      if (q.get('state') !== state) {
        page(res, 400, 'Sign-in failed: the answer did not match this login. Return to the terminal.')
        return finish(() => reject(new AuthError('LOGIN_FAILED', 'The sign-in answer had the wrong state', HINT_RETRY)))
      }
      const error = q.get('error')
      if (error) {
        page(res, 400, 'Sign-in failed. Return to the terminal.')
        const desc = (q.get('error_description') ?? '').split(/\r?\n/)[0]
        const err =
          error === 'access_denied'
            ? new AuthError('LOGIN_DECLINED', `Sign-in was declined: ${desc}`, HINT_RETRY)
            : new AuthError('LOGIN_FAILED', `Entra ID refused the sign-in (${error}): ${desc}`, HINT_RETRY)
        return finish(() => reject(err))
      }
      page(res, 200, 'Signed in to azdeploy. You can close this tab.')
      finish(() => resolve(new Secret(q.get('code') ?? '')))
    })
  })
}

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {'content-type': 'text/html; charset=utf-8', connection: 'close'})
  res.end(`<!doctype html><title>azdeploy</title><p>${text}</p>`)
}
