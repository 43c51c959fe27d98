// Shared by the emulator's own tests: raw HTTPS calls trusting the test CA, SDK client options, polling.
import {request} from 'node:https'
import type {TokenCredential} from '@azure/core-auth'
import type {ArmEmulator} from './index.js'

export const SUB = '00000000-0000-0000-0000-000000000001'

export const cred: TokenCredential = {
  getToken: async () => ({token: 'test-arm-token', expiresOnTimestamp: Date.now() + 3600_000}),
}

/** SDK client options: the emulator endpoint, its CA, no retries. */
export const clientOptions = (em: ArmEmulator) => ({
  endpoint: em.url,
  tlsOptions: {ca: em.ca},
  retryOptions: {maxRetries: 0},
})

export interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

/** Any HTTPS request trusting the test CA. */
export function https(
  url: string,
  ca: string,
  opts: {method?: string; headers?: Record<string, string>; body?: unknown} = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: opts.method ?? 'GET', ca, agent: false, headers: opts.headers}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({status: res.statusCode ?? 0, body, headers: res.headers}))
    })
    req.on('error', reject)
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body))
  })
}

/** Raw ARM (or /_emulator control) call with the default token. */
export function arm(em: ArmEmulator, method: string, path: string, body?: unknown, apiVersion = '2025-05-01') {
  const sep = path.includes('?') ? '&' : '?'
  return https(`${em.url}${path}${path.startsWith('/_emulator') ? '' : `${sep}api-version=${apiVersion}`}`, em.ca, {
    method,
    body,
    headers: {authorization: 'Bearer test-arm-token', 'content-type': 'application/json'},
  })
}

/** GET on an emulated app URL. */
export const fetchApp = (em: ArmEmulator, host: string, path = '/') => https(`https://${host}${path}`, em.ca)

/** The image the app URL serves ('' when it answers without one). */
export async function servedImage(em: ArmEmulator, host: string): Promise<string> {
  const r = await fetchApp(em, host)
  try {
    return String(JSON.parse(r.body).image ?? '')
  } catch {
    return ''
  }
}

/** Polls (no fixed sleeps) until fn returns a truthy value, bounded by timeoutMs. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('until: timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

export const rgPath = (rg: string) => `/subscriptions/${SUB}/resourceGroups/${rg}`
export const sitePath = (rg: string, app: string) => `${rgPath(rg)}/providers/Microsoft.Web/sites/${app}`
export const planPath = (rg: string, plan = 'plan') => `${rgPath(rg)}/providers/Microsoft.Web/serverfarms/${plan}`

/** Creates RG + plan (sku) + a Linux container site over raw ARM; returns the site body. */
export async function createSite(
  em: ArmEmulator,
  rg: string,
  app: string,
  opts: {sku?: string; image?: string; settings?: Record<string, string>} = {},
) {
  await arm(em, 'PUT', rgPath(rg), {location: 'westeurope'})
  await arm(em, 'PUT', planPath(rg), {
    location: 'westeurope',
    sku: {name: opts.sku ?? 'B1'},
    properties: {reserved: true},
  })
  const r = await arm(em, 'PUT', sitePath(rg, app), {
    location: 'westeurope',
    kind: 'app,linux,container',
    identity: {type: 'SystemAssigned'},
    properties: {
      serverFarmId: planPath(rg),
      reserved: true,
      siteConfig: {
        linuxFxVersion: `DOCKER|${opts.image ?? 'img:1'}`,
        appSettings: Object.entries(opts.settings ?? {}).map(([name, value]) => ({name, value})),
      },
    },
  })
  if (r.status !== 201) throw new Error(`site PUT: ${r.status} ${r.body}`)
  return JSON.parse(r.body) as {id: string; properties: {defaultHostName: string}; identity?: {principalId: string}}
}
