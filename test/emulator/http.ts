// Routing primitives and ARM error helpers shared by the emulator's resource-provider modules.
import {randomUUID} from 'node:crypto'
import type {ArmResponse} from './faults.js'
import type {ScmHandler} from './scm.js'
import type {EmulatorState, Json} from './state.js'
import {key} from './state.js'

export interface ArmRequest {
  method: string
  path: string
  query: URLSearchParams
  body: Json
  /** Base URL of the emulator, e.g. https://127.0.0.1:PORT */
  baseUrl: string
}

export type Handler = (req: ArmRequest, m: string[]) => ArmResponse | Promise<ArmResponse>

export interface Route {
  re: RegExp
  methods: Record<string, Handler>
}

export interface EmulatorContext {
  state: EmulatorState
  tls: {cert: string; key: string}
  /** SCM (Kudu) requests on a site's own listener. */
  scm?: ScmHandler
}

export const ok = (body: unknown, status = 200): ArmResponse => ({status, body})

export const armError = (status: number, code: string, message: string): ArmResponse => ({
  status,
  body: {error: {code, message}},
})

/** App Service style (PascalCase, no `error` wrapper) error body. */
export function webError(
  status: number,
  code: string,
  message: string,
  extendedCode: string,
  template: string,
  params: string[],
): ArmResponse {
  return {
    status,
    body: {
      Code: code,
      Message: message,
      Target: null,
      Details: [
        {Message: message},
        {Code: code},
        {
          ErrorEntity: {
            ExtendedCode: extendedCode,
            MessageTemplate: template,
            Parameters: params,
            Code: code,
            Message: message,
          },
        },
      ],
      Innererror: null,
    },
  }
}

export const notFound = (type: string, name: string, rg: string) =>
  armError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${rg}' was not found.`)

export const rgNotFound = (rg: string) =>
  armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)

/** Resource-group-scoped path prefix: captures (subscription, resourceGroup). */
export const RG = '^/subscriptions/([^/]+)/resourcegroups/([^/]+)'

export const route = (pattern: string, methods: Record<string, Handler>): Route => ({
  re: new RegExp(pattern + '$', 'i'),
  methods,
})

/** Looks up the resource group (case-insensitive); returns its canonical name or an error response. */
export function requireRg(ctx: EmulatorContext, sub: string, rg: string): {name: string} | ArmResponse {
  const found = ctx.state.resourceGroups.get(key(`/subscriptions/${sub}/resourceGroups/${rg}`))
  return found ? {name: found.name} : rgNotFound(rg)
}

export const isResponse = (x: unknown): x is ArmResponse => typeof x === 'object' && x !== null && 'status' in x

export const strMap = (x: unknown): Record<string, string> => {
  const out: Record<string, string> = {}
  if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) out[k] = v == null ? '' : String(v)
  return out
}

export const obj = (x: unknown): Json => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : {})

/** 202 + Azure-AsyncOperation pointing at the emulator's operationresults monitor (state.operations). */
export function lroAccepted(
  baseUrl: string,
  sub: string,
  location: string,
  body: unknown,
  operationId: string = randomUUID(),
): ArmResponse {
  const loc = location.replace(/\s+/g, '').toLowerCase() || 'westeurope'
  const url = `${baseUrl}/subscriptions/${sub}/providers/Microsoft.Web/locations/${loc}/operationResults/${operationId}?api-version=2025-05-01`
  return {status: 202, body, headers: {'azure-asyncoperation': url}}
}
