/**
 * Who deploys and from what: the actor of a release (also the deploy lock's holder) and its source commit.
 * In GitHub Actions: `GITHUB_ACTOR` and the run's URL; else the signed-in principal from the ARM token's claims
 * (the token the chain already holds: no extra ARM call). Source: `GITHUB_SHA`, else the git commit of a build.
 */
import {decodeJwtClaims} from '../adapters/identity/jwt.js'
import type {GitState} from '../core/image-tag.js'
import {type AzureContext, principalFromClaims} from './session.js'

type Env = Record<string, string | undefined>

/** The GitHub Actions actor and run URL, when running in GitHub Actions. */
export function githubActor(env: Env): string | undefined {
  const actor = env['GITHUB_ACTOR']
  if (env['GITHUB_ACTIONS'] !== 'true' || !actor) return undefined
  const server = env['GITHUB_SERVER_URL']
  const repo = env['GITHUB_REPOSITORY']
  const run = env['GITHUB_RUN_ID']
  return server && repo && run ? `${actor} (${server}/${repo}/actions/runs/${run})` : actor
}

/** The name of the principal a token was issued to: UPN, else display name, else its object or app id. */
export function actorFromToken(token: string | undefined, answeredBy?: string): string {
  const claims = token ? decodeJwtClaims(token) : undefined
  const p = principalFromClaims(claims, answeredBy)
  const display = typeof claims?.['name'] === 'string' ? (claims['name'] as string) : undefined
  return p.name ?? display ?? p.appId ?? p.objectId ?? 'unknown principal'
}

export async function deployActor(ctx: AzureContext, env: Env, signal: AbortSignal): Promise<string> {
  const gh = githubActor(env)
  if (gh) return gh
  const token = await ctx.credential.getToken(ctx.cloud.armScope, {abortSignal: signal}).catch(() => null)
  return actorFromToken(token?.token, ctx.credential.answeredBy)
}

/** The commit a release comes from: GITHUB_SHA in Actions, else the repository state of a build (`-dirty`). */
export function releaseSource(env: Env, git?: GitState): string | undefined {
  const sha = env['GITHUB_SHA']
  if (sha && /^[0-9a-f]{7,64}$/i.test(sha)) return sha
  return git?.shortSha ? `${git.shortSha}${git.dirty ? '-dirty' : ''}` : undefined
}
