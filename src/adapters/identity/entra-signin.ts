/**
 * `azdeploy login` through MSAL: device code, or the browser (authorization code + PKCE S256 with MSAL's loopback
 * listener on 127.0.0.1, redirect `http://localhost:<port>`). The browser is started without a shell; when it
 * cannot be, the caller prints the URL. Returns who signed in and MSAL's persistable cache (refresh token +
 * account); the access token stays in memory, wrapped in Secret.
 */
import {spawn} from 'node:child_process'
import {request} from 'node:http'
import {AuthError} from '../../core/errors.js'
import {Secret} from '../../core/secret.js'
import {accountOf, createMsalApp, HINT_RETRY, type MsalEndpoint, type SignedInAccount, signInError} from './msal-app.js'

export interface DeviceCodePrompt {
  userCode: string
  verificationUri: string
  /** Entra's ready-made sentence ("To sign in, use a web browser to open ... and enter the code ..."). */
  message: string
  expiresOnTimestamp: number
}

export interface SignInResult {
  accessToken: Secret
  expiresOnTimestamp: number
  account: SignedInAccount
  /** MSAL's cache without access and id tokens: what the login file keeps. */
  msalCache: string
}

interface Common extends MsalEndpoint {
  scopes: string[]
  signal?: AbortSignal
}

/** Rejects when the signal aborts, with its reason. */
function aborted(signal: AbortSignal | undefined, onAbort: () => void): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return
    const fire = () => {
      onAbort()
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    }
    if (signal.aborted) fire()
    else signal.addEventListener('abort', fire, {once: true})
  })
}

function result(
  r: {accessToken: string; expiresOn: Date | null; account: Parameters<typeof accountOf>[0]} | null,
  tenant: string,
  cache: string | undefined,
): SignInResult {
  if (!r?.accessToken || !cache) {
    throw new AuthError('LOGIN_FAILED', 'Entra ID answered the sign-in without a token to keep', HINT_RETRY)
  }
  return {
    accessToken: new Secret(r.accessToken),
    expiresOnTimestamp: r.expiresOn?.getTime() ?? Date.now() + 3600_000,
    account: accountOf(r.account, tenant),
    msalCache: cache,
  }
}

export interface DeviceCodeOptions extends Common {
  onPrompt: (p: DeviceCodePrompt) => void
}

/** RFC 8628 device authorization grant (MSAL polls at the server's interval until expiry). */
export async function signInWithDeviceCode(o: DeviceCodeOptions): Promise<SignInResult> {
  const {app, net, persisted} = await createMsalApp(o)
  const req = {
    scopes: o.scopes,
    cancel: false,
    deviceCodeCallback: (r: {userCode: string; verificationUri: string; message: string; expiresIn: number}) =>
      o.onPrompt({
        userCode: r.userCode,
        verificationUri: r.verificationUri,
        message: r.message,
        expiresOnTimestamp: Date.now() + r.expiresIn * 1000,
      }),
  }
  try {
    const r = await Promise.race([
      app.acquireTokenByDeviceCode(req),
      aborted(o.signal, () => {
        req.cancel = true
      }),
    ])
    return result(r, o.tenant, persisted())
  } catch (e) {
    if (o.signal?.aborted) throw e
    throw signInError(e, net, o.authorityHost, 'device code sign-in')
  }
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

export interface BrowserOptions extends Common {
  /** Called with the sign-in URL and whether a browser could be started for it. */
  onUrl: (url: string, opened: boolean) => void
  openBrowser?: (url: string) => Promise<boolean>
  timeoutMs?: number
}

/**
 * Ends MSAL's loopback listener the way a browser would: an `error` answer on its redirect URI. MSAL then closes
 * its server; without this a timed-out or interrupted login would keep the port (and the process) open.
 */
function endListener(redirectUri: string | undefined, error: string): void {
  if (!redirectUri) return
  const port = new URL(redirectUri).port
  const req = request({host: '127.0.0.1', port, path: `/?error=${error}`, method: 'GET'}, (res) => res.resume())
  req.on('error', () => undefined)
  req.end()
}

/** Authorization code + PKCE (S256; MSAL makes the verifier) with MSAL's loopback listener on 127.0.0.1. */
export async function signInWithBrowser(o: BrowserOptions): Promise<SignInResult> {
  const {app, net, persisted} = await createMsalApp(o)
  const timeoutMs = o.timeoutMs ?? 5 * 60_000
  let redirectUri: string | undefined
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      endListener(redirectUri, 'login_timeout')
      reject(new AuthError('LOGIN_TIMEOUT', `No sign-in arrived within ${timeoutMs / 1000} s`, HINT_RETRY))
    }, timeoutMs)
    timer.unref()
  })
  const interactive = app.acquireTokenInteractive({
    scopes: o.scopes,
    prompt: 'select_account',
    successTemplate: '<!doctype html><title>azdeploy</title><p>Signed in to azdeploy. You can close this tab.</p>',
    errorTemplate: '<!doctype html><title>azdeploy</title><p>Sign-in failed. Return to the terminal.</p>',
    openBrowser: async (url: string) => {
      redirectUri = new URL(url).searchParams.get('redirect_uri') ?? undefined
      const opened = await (o.openBrowser ?? openInBrowser)(url).catch(() => false)
      o.onUrl(url, opened)
    },
  })
  interactive.catch(() => undefined) // raced below; this keeps a late rejection from being "unhandled"
  try {
    const r = await Promise.race([
      interactive,
      timedOut,
      aborted(o.signal, () => endListener(redirectUri, 'login_interrupted')),
    ])
    return result(r, o.tenant, persisted())
  } catch (e) {
    if (o.signal?.aborted) throw e
    throw signInError(e, net, o.authorityHost, 'browser sign-in')
  } finally {
    clearTimeout(timer)
  }
}
