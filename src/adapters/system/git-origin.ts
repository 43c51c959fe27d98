/**
 * The git facts `azdeploy init` needs, read with the git CLI (no shell, fsmonitor off so a hostile repository
 * config starts no helper): the origin's URL and the default branch (origin's symbolic HEAD, else the checked-out
 * branch).
 */
import {execFile} from 'node:child_process'

export interface GitOrigin {
  /** `remote get-url origin`, or undefined without a repository, an origin or git itself. */
  url?: string
  /** `main` from refs/remotes/origin/HEAD, else the current branch; undefined when neither is known. */
  branch?: string
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', ...args],
      {cwd, timeout: 10_000, env: {...process.env, GIT_TERMINAL_PROMPT: '0'}},
      (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined),
    )
  })
}

export async function readGitOrigin(cwd: string): Promise<GitOrigin> {
  const [url, originHead, head] = await Promise.all([
    git(cwd, ['remote', 'get-url', 'origin']),
    git(cwd, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']),
    git(cwd, ['symbolic-ref', '--quiet', 'HEAD']),
  ])
  const out: GitOrigin = {}
  if (url) out.url = url
  const branch = originHead?.replace(/^refs\/remotes\/origin\//, '') ?? head?.replace(/^refs\/heads\//, '')
  if (branch) out.branch = branch
  return out
}
