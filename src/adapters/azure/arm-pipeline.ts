/**
 * Options shared by every ARM SDK client: endpoint and scope from the cloud, retries, the error-body capture
 * policy and the redacted --verbose trace. Imports only types from @azure/* (the SDKs are loaded lazily).
 */
import type {PipelinePolicy} from '@azure/core-rest-pipeline'
import {readKnobs} from '../../core/knobs.js'
import {redactUrl} from '../../core/redact.js'
import {rememberErrorBody} from './arm-errors.js'
import {capRetryAfterPolicy, commandSignalPolicy, deadlinePolicy} from './arm-policies.js'

export interface ArmTarget {
  armEndpoint: string
  armScope: string
  /** The cloud's App Service domain (`azurewebsites.net`); picks the SCM host. Every cloud's when absent. */
  appServiceDomain?: string
}

export interface ArmClientOptions {
  endpoint: string
  credentials: {scopes: string[]}
  credentialScopes: string[]
  retryOptions: {maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number}
  userAgentOptions: {userAgentPrefix: string}
  additionalPolicies: Array<{policy: PipelinePolicy; position: 'perCall' | 'perRetry'}>
}

export type Debug = (message: string) => void

/** What every ARM adapter is built from. */
export interface ArmAdapterOptions {
  credential: import('@azure/core-auth').TokenCredential
  subscriptionId: string
  target: ArmTarget
  debug: Debug
  env: Record<string, string | undefined>
  signal: AbortSignal
  /** LRO poll interval; short in tests. */
  pollIntervalMs?: number
}

/**
 * `signal` (the command's) ends every request, retry wait and LRO poll of the client. Env knobs (tests):
 * AZDEPLOY_ARM_TIMEOUT_MS (wall-clock deadline per request, default 60 s), AZDEPLOY_RETRY_AFTER_CAP_MS (cap on a
 * server's Retry-After, default and maximum 60 s), AZDEPLOY_MAX_RETRIES, AZDEPLOY_RETRY_DELAY_MS,
 * AZDEPLOY_MAX_RETRY_DELAY_MS.
 */
export function armClientOptions(
  target: ArmTarget,
  debug: Debug,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): ArmClientOptions {
  const capture: PipelinePolicy = {
    name: 'azdeployCaptureErrorBody',
    async sendRequest(request, next) {
      const response = await next(request)
      if (response.status >= 400) rememberErrorBody(request, response.bodyAsText ?? undefined)
      return response
    },
  }
  const trace: PipelinePolicy = {
    name: 'azdeployTrace',
    async sendRequest(request, next) {
      const start = performance.now()
      try {
        const response = await next(request)
        debug(
          `${request.method} ${redactUrl(request.url)} → ${response.status} (${Math.round(performance.now() - start)} ms)`,
        )
        return response
      } catch (e) {
        debug(
          `${request.method} ${redactUrl(request.url)} → ${(e as Error).name} (${Math.round(performance.now() - start)} ms)`,
        )
        throw e
      }
    },
  }
  const knobs = readKnobs(env)
  return {
    endpoint: target.armEndpoint,
    credentials: {scopes: [target.armScope]},
    credentialScopes: [target.armScope],
    retryOptions: {
      maxRetries: knobs.maxRetries,
      retryDelayInMs: knobs.retryDelayMs,
      maxRetryDelayInMs: knobs.maxRetryDelayMs,
    },
    userAgentOptions: {userAgentPrefix: 'azdeploy/0.1.0'},
    additionalPolicies: [
      {policy: capture, position: 'perCall'},
      ...(signal ? [{policy: commandSignalPolicy(signal), position: 'perCall' as const}] : []),
      {policy: capRetryAfterPolicy(debug, knobs.retryAfterCapMs), position: 'perRetry'},
      {policy: trace, position: 'perRetry'},
      {policy: deadlinePolicy(knobs.armTimeoutMs), position: 'perRetry'},
    ],
  }
}
