// The secret scan every CLI run of the e2e tests goes through (run-cli.ts): stdout and stderr must hold none of the
// secrets the test created. A secret is a known test credential (the emulator's bearer token, the private
// registries' password), a value the test or a stand-in registered (`registerSecret`, `world.secret`), or a secret
// the run was given: the credential variables azdeploy treats as secrets (AZDEPLOY_REGISTRY_PASSWORD,
// AZURE_CLIENT_SECRET, ...), `--env NAME` taken from the environment, `--env NAME=VALUE` under a credential-like
// name (the same rule as src/core/redact.ts), FAKE_AZ_TOKEN. A leak throws, naming the secret and the stream.
import {isSecretSettingName, MIN_SECRET_LENGTH} from '../../src/core/redact.js'
import {SECRET_ENV} from '../../src/core/secret.js'

export interface NamedSecret {
  /** Where it came from, e.g. "AZDEPLOY_REGISTRY_PASSWORD" or "--env DB_PASSWORD": the message names it. */
  label: string
  value: string
}

export interface Leak {
  label: string
  /** stdout, stderr, or another output the caller named (e.g. the Action's GITHUB_STEP_SUMMARY). */
  stream: string
  /** The line it appears on, the secret shown as <SECRET> (any other secret of the run as <OTHER SECRET>). */
  line: string
}

const registered = new Map<string, string>()

/** Registers a secret for the rest of this test file (every later CLI run is scanned for it). */
export function registerSecret(value: string, label = 'a registered secret'): void {
  if (value.length >= MIN_SECRET_LENGTH && !registered.has(value)) registered.set(value, label)
}

/** The secrets one run holds: registered ones plus what its argv and environment hand it. */
export function secretsOfRun(args: readonly string[], env: Record<string, string | undefined>): NamedSecret[] {
  const out = new Map<string, string>(registered)
  const add = (value: string | undefined, label: string) => {
    if (value && value.length >= MIN_SECRET_LENGTH && !out.has(value)) out.set(value, label)
  }
  for (const name of SECRET_ENV) add(env[name], name)
  add(env['FAKE_AZ_TOKEN'], 'FAKE_AZ_TOKEN')
  const end = args.indexOf('--')
  const own = end < 0 ? args : args.slice(0, end)
  for (let i = 0; i < own.length; i++) {
    const a = own[i] ?? ''
    const item = a === '--env' || a === '-e' ? own[i + 1] : a.startsWith('--env=') ? a.slice(6) : undefined
    if (item === undefined) continue
    const eq = item.indexOf('=')
    if (eq < 0) add(env[item], `--env ${item} (from the environment)`)
    else if (isSecretSettingName(item.slice(0, eq))) add(item.slice(eq + 1), `--env ${item.slice(0, eq)}`)
  }
  return [...out].map(([value, label]) => ({label, value}))
}

/** Every secret found in stdout or stderr (pure: the unit test drives it). */
export function findLeaks(streams: Record<string, string>, secrets: readonly NamedSecret[]): Leak[] {
  const leaks: Leak[] = []
  for (const s of secrets) {
    for (const [stream, text] of Object.entries(streams)) {
      const at = text.indexOf(s.value)
      if (at < 0) continue
      const start = text.lastIndexOf('\n', at) + 1
      const stop = text.indexOf('\n', at)
      // The line as context, with this secret as <SECRET> and every other one as <OTHER SECRET>.
      let line = text
        .slice(start, stop < 0 ? undefined : stop)
        .split(s.value)
        .join('<SECRET>')
      for (const other of secrets) if (other !== s) line = line.split(other.value).join('<OTHER SECRET>')
      leaks.push({label: s.label, stream, line: line.length > 300 ? `${line.slice(0, 300)}…` : line})
    }
  }
  return leaks
}

/** Output without the `::add-mask::VALUE` commands: the one place a secret must appear (GitHub Actions runs). */
export function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
}

/** Throws when any secret of the run reached its output, naming which one and where. */
export function assertNoLeaks(r: Record<string, string>, secrets: readonly NamedSecret[], what = 'the CLI'): void {
  const leaks = findLeaks(r, secrets)
  if (leaks.length === 0) return
  const lines = leaks.map((l) => `  ${l.label} leaked on ${l.stream}: ${l.line}`)
  throw new Error(`secret scan: ${what} printed ${leaks.length} secret(s)\n${lines.join('\n')}`)
}
