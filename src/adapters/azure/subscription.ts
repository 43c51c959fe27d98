/**
 * Which subscription a command works in: `--subscription` (id or display name), else `AZURE_SUBSCRIPTION_ID`,
 * else the Azure CLI's default (only when the Azure CLI is the credential that answered), else the only enabled
 * subscription the credential can see, else an error listing the candidates.
 */

import {execFile} from 'node:child_process'
import type {TokenCredential} from '@azure/core-auth'
import type {CloudInfo} from '../../core/cloud.js'
import {shown} from '../../core/display.js'
import {AuthError, AzdeployError, InputError, RejectedError} from '../../core/errors.js'
import {childEnv} from '../system/child-env.js'
import {DEFAULT_ARM_TIMEOUT_MS, deadlinePolicy} from './arm-policies.js'

type Env = Record<string, string | undefined>

export type SubscriptionSource = 'flag' | 'env' | 'azure-cli' | 'only-visible'

export interface ResolvedSubscription {
  subscriptionId: string
  tenantId?: string
  name?: string
  source: SubscriptionSource
}

export interface VisibleSubscription {
  subscriptionId: string
  displayName?: string
  tenantId?: string
  state?: string
}

export type RunAz = (args: string[]) => Promise<{stdout: string; exitCode: number}>

export type ChainLike = TokenCredential & {
  readonly answeredBy?: string | undefined
  readonly names?: readonly string[]
  /** The Azure CLI's default subscription, as its token answer named it. */
  readonly cliAccount?: {subscription?: string; tenant?: string} | undefined
}

export interface ResolveSubscriptionOptions {
  flag?: string | undefined
  env: Env
  chain: ChainLike
  cloud: CloudInfo
  runAz?: RunAz
  /** Extra SubscriptionClient options (tests pass `{retryOptions: {maxRetries: 0}}`). */
  clientOptions?: Record<string, unknown>
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Only hex digits and dashes: meant as an id, so a malformed one is an error rather than a display name. */
const GUID_SHAPED = /^(?=.*-)[0-9a-f{}-]{8,}$/i

export function isSubscriptionId(value: string): boolean {
  return GUID.test(value)
}

const HINT = 'Pass --subscription <id> or set AZURE_SUBSCRIPTION_ID'

export async function resolveSubscription(o: ResolveSubscriptionOptions): Promise<ResolvedSubscription> {
  const flag = o.flag?.trim()
  if (o.flag !== undefined) {
    if (!flag) throw new InputError('INVALID_SUBSCRIPTION', '--subscription is empty', HINT)
    if (GUID.test(flag)) return {subscriptionId: flag.toLowerCase(), source: 'flag'}
    if (GUID_SHAPED.test(flag)) {
      throw new InputError(
        'INVALID_SUBSCRIPTION',
        `--subscription "${shown(flag)}" is not a valid subscription id (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
        'Copy the id from `az account list -o table` or the portal, or pass the display name',
      )
    }
    return byName(flag, await enabledSubscriptions(o))
  }
  const fromEnv = o.env['AZURE_SUBSCRIPTION_ID']?.trim()
  if (fromEnv) {
    if (!GUID.test(fromEnv)) {
      throw new InputError(
        'INVALID_SUBSCRIPTION',
        `AZURE_SUBSCRIPTION_ID "${shown(fromEnv)}" is not a subscription id (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
        'Set AZURE_SUBSCRIPTION_ID to the subscription id, or pass --subscription',
      )
    }
    return {subscriptionId: fromEnv.toLowerCase(), source: 'env'}
  }
  // Learn which credential answers (this also fails early with NOT_LOGGED_IN when none does).
  await o.chain.getToken(o.cloud.armScope)
  if (o.chain.answeredBy === 'AzureCliCredential') {
    // The CLI's token answer names its default subscription; `az account show` (a second process) is needed only
    // to check the CLI's active cloud outside the public cloud, or with a CLI too old to say.
    const account = o.chain.cliAccount
    if (o.cloud.name === 'AzureCloud' && account?.subscription && GUID.test(account.subscription)) {
      const out: ResolvedSubscription = {subscriptionId: account.subscription.toLowerCase(), source: 'azure-cli'}
      if (account.tenant) out.tenantId = account.tenant
      return out
    }
    const fromCli = await azureCliDefault(o.runAz ?? runAzCli, o.cloud)
    if (fromCli) return fromCli
  }
  const visible = await enabledSubscriptions(o)
  if (visible.length === 1 && visible[0]) return {...pick(visible[0]), source: 'only-visible'}
  const none = o.env['AZURE_CLIENT_ID']
    ? `The identity (AZURE_CLIENT_ID ${o.env['AZURE_CLIENT_ID']}) has no role on any subscription: assign it one, e.g. \`az role assignment create --assignee ${o.env['AZURE_CLIENT_ID']} --role Contributor --scope /subscriptions/<id>/resourceGroups/<group>\`, then pass --subscription <id>`
    : 'The signed-in account has no role on any enabled subscription: ask for one, or sign in with another account (`azdeploy login`)'
  throw new InputError(
    'SUBSCRIPTION_REQUIRED',
    `${visible.length} subscriptions are visible${listing(visible)}`,
    visible.length === 0 ? none : HINT,
  )
}

function pick(s: VisibleSubscription): Omit<ResolvedSubscription, 'source'> {
  const out: Omit<ResolvedSubscription, 'source'> = {subscriptionId: s.subscriptionId}
  if (s.tenantId) out.tenantId = s.tenantId
  if (s.displayName) out.name = s.displayName
  return out
}

function listing(subs: VisibleSubscription[]): string {
  if (subs.length === 0) return ''
  const shown = subs
    .slice(0, 10)
    .map((s) => (s.displayName ? `${s.subscriptionId} (${s.displayName})` : s.subscriptionId))
  return `: ${shown.join(', ')}${subs.length > 10 ? `, and ${subs.length - 10} more` : ''}`
}

function byName(name: string, visible: VisibleSubscription[]): ResolvedSubscription {
  const matches = visible.filter((s) => s.displayName?.toLowerCase() === name.toLowerCase())
  if (matches.length === 1 && matches[0]) return {...pick(matches[0]), source: 'flag'}
  if (matches.length > 1) {
    throw new InputError(
      'SUBSCRIPTION_AMBIGUOUS',
      `${matches.length} visible subscriptions are named "${shown(name)}"${listing(matches)}`,
      'Pass --subscription <id> instead of the name',
    )
  }
  throw new InputError(
    'SUBSCRIPTION_NOT_FOUND',
    `No enabled subscription named "${shown(name)}" is visible; ${visible.length} are${listing(visible)}`,
    'Pass --subscription <id>, or check that this login can see the subscription',
  )
}

async function azureCliDefault(runAz: RunAz, cloud: CloudInfo): Promise<ResolvedSubscription | undefined> {
  let result: {stdout: string; exitCode: number}
  try {
    result = await runAz(['account', 'show', '--output', 'json'])
  } catch {
    return undefined
  }
  if (result.exitCode !== 0) return undefined
  let account: Record<string, unknown>
  try {
    account = JSON.parse(result.stdout) as Record<string, unknown>
  } catch {
    return undefined
  }
  const id = account['id']
  if (typeof id !== 'string' || !GUID.test(id)) return undefined
  // The CLI's default belongs to its own active cloud; ignore it when that is not ours.
  const environment = account['environmentName']
  if (typeof environment === 'string' && environment.toLowerCase() !== cloud.name.toLowerCase()) return undefined
  const out: ResolvedSubscription = {subscriptionId: id.toLowerCase(), source: 'azure-cli'}
  if (typeof account['tenantId'] === 'string') out.tenantId = account['tenantId']
  if (typeof account['name'] === 'string') out.name = account['name']
  return out
}

/** `az` without a shell, a 10 s timeout, and a safe working directory (as the SDK's AzureCliCredential does). */
export const runAzCli: RunAz = (args) => {
  const windows = process.platform === 'win32'
  // az is a .cmd on Windows, which only cmd.exe can start; the arguments here are fixed strings, never user input.
  const [file, argv] = windows ? ['cmd.exe', ['/d', '/s', '/c', `az ${args.join(' ')}`]] : ['az', args]
  const cwd = windows ? (process.env['SystemRoot'] ?? 'C:\\Windows') : '/bin'
  return new Promise((resolve) => {
    execFile(
      file,
      argv,
      {cwd, timeout: 10_000, windowsHide: true, encoding: 'utf8', env: childEnv()},
      (error, stdout) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({stdout: String(stdout), exitCode: code})
      },
    )
  })
}

async function enabledSubscriptions(o: ResolveSubscriptionOptions): Promise<VisibleSubscription[]> {
  const all = await listSubscriptions(o.chain, o.cloud, o.clientOptions)
  return all.filter((s) => !s.state || s.state.toLowerCase() === 'enabled')
}

/** Client options plus the wall-clock deadline every ARM request gets (arm-policies.ts). */
function withDeadline(clientOptions: Record<string, unknown>): Record<string, unknown> {
  const extra = Array.isArray(clientOptions['additionalPolicies']) ? clientOptions['additionalPolicies'] : []
  const deadline = {policy: deadlinePolicy(DEFAULT_ARM_TIMEOUT_MS), position: 'perRetry'}
  return {...clientOptions, additionalPolicies: [...extra, deadline]}
}

/** `GET {armEndpoint}/subscriptions` through the SDK, with the cloud's token scope. */
export async function listSubscriptions(
  credential: TokenCredential,
  cloud: CloudInfo,
  clientOptions: Record<string, unknown> = {},
): Promise<VisibleSubscription[]> {
  const {SubscriptionClient} = await import('@azure/arm-resources-subscriptions')
  const client = new SubscriptionClient(credential, {
    ...withDeadline(clientOptions),
    endpoint: cloud.armEndpoint,
    $host: cloud.armEndpoint,
    credentialScopes: [cloud.armScope],
  })
  const out: VisibleSubscription[] = []
  try {
    for await (const s of client.subscriptions.list()) {
      if (!s.subscriptionId) continue
      const v: VisibleSubscription = {subscriptionId: s.subscriptionId}
      if (s.displayName) v.displayName = s.displayName
      if (s.tenantId) v.tenantId = s.tenantId
      if (s.state) v.state = s.state
      out.push(v)
    }
  } catch (e) {
    if (e instanceof AzdeployError) throw e
    const status = (e as {statusCode?: number}).statusCode
    const message = `Listing subscriptions at ${cloud.armEndpoint} failed${status ? ` (HTTP ${status})` : ''}`
    if (status === 401 || status === 403) {
      throw new AuthError('SUBSCRIPTION_LIST_FAILED', message, HINT, {cause: e})
    }
    throw new RejectedError('SUBSCRIPTION_LIST_FAILED', `${message}: ${(e as Error).message}`, HINT, {cause: e})
  }
  return out
}

/** The display name of one subscription (GET /subscriptions/{id}); undefined when it cannot be read. */
export async function subscriptionName(
  credential: TokenCredential,
  cloud: CloudInfo,
  subscriptionId: string,
  clientOptions: Record<string, unknown> = {},
): Promise<string | undefined> {
  try {
    const {SubscriptionClient} = await import('@azure/arm-resources-subscriptions')
    const client = new SubscriptionClient(credential, {
      ...withDeadline(clientOptions),
      endpoint: cloud.armEndpoint,
      $host: cloud.armEndpoint,
      credentialScopes: [cloud.armScope],
    })
    return (await client.subscriptions.get(subscriptionId)).displayName ?? undefined
  } catch {
    return undefined
  }
}
