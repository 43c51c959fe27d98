/**
 * The SCM (Kudu) site of one app over node:https: the Docker log listing `GET /api/logs/docker` and its files, read
 * from an offset with `Range: bytes=<offset>-`.
 *
 * Auth: an Entra ID bearer token, which Kudu authorizes with Azure RBAC on the site (Website Contributor or
 * Contributor). Publishing credentials (basic auth) are never used. The token goes to the SCM host named by the site
 * and only over https: a listed `href` that is not https or points at another host is refused, not followed.
 * Connection failures are `SCM_UNREACHABLE`, 5xx/429 `SCM_SERVICE_ERROR` (the ones worth retrying).
 * Token audience (see `kuduScope`): the ARM scope in the public cloud, the `management.core.*` audience in the
 * sovereign clouds, where Kudu does not accept the resource-manager URL as audience.
 * The token is cached until two minutes before it expires (credentials like the Azure CLI spawn a process per
 * token); a 401 refreshes it once.
 */
import type {IncomingHttpHeaders} from 'node:http'
import type {TokenCredential} from '@azure/core-auth'
import type {CloudInfo} from '../../core/cloud.js'
import {AuthError, InterruptedError, RejectedError} from '../../core/errors.js'
import {redactText, redactUrl} from '../../core/redact.js'
import type {KuduLogFile, KuduPort} from '../../ports/index.js'
import {formatMs, HttpFailure, httpRequest, networkReason} from '../http/request.js'

/** Token scope for the SCM site of an app in `cloud`. */
export function kuduScope(cloud: Pick<CloudInfo, 'name' | 'armScope'>): string {
  if (cloud.name === 'AzureChinaCloud') return 'https://management.core.chinacloudapi.cn/.default'
  if (cloud.name === 'AzureUSGovernment') return 'https://management.core.usgovcloudapi.net/.default'
  return cloud.armScope
}

export interface KuduOptions {
  /** SCM host name from the site (`hostNameSslStates[hostType=Repository]`), optionally with a port. */
  host: string
  /** App name, for messages. */
  app: string
  credential: TokenCredential
  scope: string
  signal: AbortSignal
  debug?: (message: string) => void
  /** Wall-clock deadline per request (default 30 s): a site that accepts and never answers cannot hold `logs`. */
  timeoutMs?: number
  /** Largest answer read (default 64 MiB). */
  maxBytes?: number
  /** Extra CA to trust (tests); otherwise the system store and NODE_EXTRA_CA_CERTS. */
  ca?: string
}

interface Res {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export function createKuduAdapter(o: KuduOptions): KuduPort {
  const base = new URL(`https://${o.host}`)
  if (base.host !== o.host.toLowerCase() || base.username || base.password) {
    throw new RejectedError('SCM_HOST_INVALID', `The SCM host name "${o.host}" of ${o.app} is not a host name`)
  }
  let cached: {token: string; expires: number} | undefined

  const token = async (refresh: boolean): Promise<string> => {
    if (!refresh && cached && cached.expires - Date.now() > 120_000) return cached.token
    const t = await o.credential.getToken(o.scope, {abortSignal: o.signal})
    if (!t)
      throw new AuthError('NOT_LOGGED_IN', 'No Azure token for the SCM site', 'Run `azdeploy login` or `az login`')
    cached = {token: t.token, expires: t.expiresOnTimestamp}
    return t.token
  }

  const target = (href: string): URL => {
    const url = new URL(href, base)
    if (url.protocol !== 'https:') {
      throw new RejectedError(
        'SCM_INSECURE_URL',
        `Refusing to send the Azure token over ${url.protocol} (${redactUrl(url.href)})`,
      )
    }
    if (url.host !== base.host) {
      throw new RejectedError(
        'SCM_FOREIGN_URL',
        `Refusing to send the Azure token to ${url.host}, not the SCM host ${base.host}`,
      )
    }
    return url
  }

  const get = async (url: URL, headers: Record<string, string>): Promise<Res> => {
    try {
      return await httpRequest({
        url,
        headers: {'user-agent': 'azdeploy/0.1.0', ...headers},
        timeoutMs: o.timeoutMs ?? 30_000,
        maxBytes: o.maxBytes ?? 64 * 1024 * 1024,
        signal: o.signal,
        debug: (line) => o.debug?.(line),
        redact: redactUrl,
        ...(o.ca ? {ca: o.ca} : {}),
      })
    } catch (e) {
      if (o.signal.aborted) throw new InterruptedError('Interrupted while reading logs')
      if (!(e instanceof HttpFailure)) throw e
      if (e.kind === 'too-large') {
        throw new RejectedError(
          'SCM_RESPONSE_TOO_LARGE',
          `The SCM site ${base.host} of ${o.app} sent more than ${o.maxBytes ?? 64 * 1024 * 1024} bytes for ${url.pathname}`,
        )
      }
      const why =
        e.kind === 'timeout' ? `no complete answer within ${formatMs(o.timeoutMs ?? 30_000)}` : networkReason(e)
      throw new RejectedError(
        'SCM_UNREACHABLE',
        `Could not reach the SCM site ${base.host} of ${o.app}: ${redactText(why)}`,
        'Check your network or proxy; the SCM site may be restarting',
        {cause: e},
      )
    }
  }

  const send = async (url: URL, headers: Record<string, string> = {}): Promise<Res> => {
    let res = await get(url, {...headers, authorization: `Bearer ${await token(false)}`})
    if (res.status === 401) res = await get(url, {...headers, authorization: `Bearer ${await token(true)}`})
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(
        res.status === 401 ? 'SCM_NOT_AUTHENTICATED' : 'SCM_FORBIDDEN',
        res.status === 401
          ? `The SCM (Kudu) site of ${o.app} did not accept the Azure AD token (HTTP 401)`
          : `Not allowed to read the logs of ${o.app} through its SCM (Kudu) site (HTTP 403)`,
        'Kudu checks Azure RBAC: ask for the Website Contributor (or Contributor) role on the app or its resource ' +
          'group; if you have it, run `azdeploy login` (or `az login`) again. azdeploy never uses publishing credentials',
      )
    }
    if (res.status >= 500 || res.status === 429) {
      throw new RejectedError(
        'SCM_SERVICE_ERROR',
        `The SCM site ${base.host} of ${o.app} answered HTTP ${res.status}`,
        'The SCM site may be restarting; retry in a minute',
      )
    }
    return res
  }

  return {
    host: base.host,
    async listDockerLogs() {
      const res = await send(target('/api/logs/docker'))
      if (res.status === 404) return []
      if (res.status !== 200) throw unexpected(res.status, 'list the Docker logs', o.app)
      let raw: unknown
      try {
        raw = JSON.parse(res.body.toString('utf8'))
      } catch {
        throw new RejectedError('SCM_BAD_RESPONSE', `The SCM site of ${o.app} sent a Docker log list that is not JSON`)
      }
      return (Array.isArray(raw) ? raw : []).flatMap((item): KuduLogFile[] => {
        const f = (item ?? {}) as Record<string, unknown>
        if (typeof f['href'] !== 'string') return []
        const where = typeof f['path'] === 'string' ? f['path'] : f['href']
        const name = decodeURIComponent(where.split(/[/\\]/).pop() ?? '')
        return [
          {
            name,
            machineName: String(f['machineName'] ?? ''),
            lastUpdated: String(f['lastUpdated'] ?? ''),
            size: Number(f['size'] ?? 0) || 0,
            href: f['href'],
          },
        ]
      })
    },
    async readFile(href, offset) {
      const url = target(href)
      const res = await send(url, offset > 0 ? {range: `bytes=${offset}-`} : {})
      if (res.status === 404) return null
      const range = /^bytes (?:(\d+)-\d+|\*)\/(\d+)/.exec(String(res.headers['content-range'] ?? ''))
      const size = range?.[2] ? Number(range[2]) : undefined
      if (res.status === 416) return {from: offset, data: new Uint8Array(0), ...(size === undefined ? {} : {size})}
      if (res.status === 206) {
        return {from: range?.[1] ? Number(range[1]) : offset, data: res.body, ...(size === undefined ? {} : {size})}
      }
      if (res.status === 200) return {from: 0, data: res.body, size: res.body.length}
      throw unexpected(res.status, `read ${url.pathname}`, o.app)
    },
  }
}

function unexpected(status: number, what: string, app: string): RejectedError {
  return new RejectedError(`SCM_HTTP_${status}`, `The SCM site of ${app} refused to ${what} (HTTP ${status})`)
}
