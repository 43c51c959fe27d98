/** port: EXPOSE present, valid, and agreeing with the configured port and the port the start command binds. */
import type {Listen} from '../address.js'
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {Finding} from '../types.js'

const INVALID = rule('port/invalid', 'error', 'EXPOSE names something that is not a port (or an unset variable)')
const UNREACHABLE = rule(
  'port/unreachable',
  'error',
  'no EXPOSE and no configured port, and the app does not listen on 80 or 8080: App Service cannot find it',
)
const NO_EXPOSE = rule('port/no-expose', 'warning', 'the image does not EXPOSE the port the app listens on')
const EXPOSE_MISMATCH = rule('port/expose-mismatch', 'error', 'EXPOSE disagrees with the configured port')
const BIND_MISMATCH = rule(
  'port/bind-mismatch',
  'error',
  'the start command binds a port other than the one App Service pings',
)
const MULTIPLE = rule(
  'port/multiple',
  'warning',
  'several ports exposed and none configured: App Service forwards only one',
)
const UNSET_VAR = rule(
  'port/unset-variable',
  'warning',
  'the start command takes its port from a variable the image does not set',
)

/** Ports App Service tries when neither WEBSITES_PORT nor EXPOSE say otherwise. */
const APP_SERVICE_DEFAULTS = [80, 8080]
const MAX_PORTS = 1000

function portsOf(f: Facts): {own: number[]; all: number[]; line?: number} {
  const own: number[] = []
  let line: number | undefined
  for (const e of f.model.exposes) {
    if (e.invalid || e.protocol !== 'tcp' || e.port === undefined) continue
    line ??= e.line
    // Ranges are expanded up to MAX_PORTS ports in all (EXPOSE 1-65535 repeated must not cost millions).
    for (let p = e.port; p <= (e.portEnd ?? e.port) && own.length < MAX_PORTS; p++) own.push(p)
  }
  const all = own.length > 0 ? own : f.model.baseExposes
  return line !== undefined ? {own, all, line} : {own, all}
}

/** TCP listen addresses of the app: the foreground command's, else any server's. */
export function appListens(f: Facts): Listen[] {
  const usable = (l: Listen) => !l.notTcp && !l.malformed
  const mine = (f.main?.server.listens ?? []).filter(usable)
  if (mine.length > 0) return mine
  return f.running.filter((r) => r.server.kind !== 'oneshot').flatMap((r) => r.server.listens.filter(usable))
}

/** `ENV PORT=<number>` as a listen address, when set to a valid port. */
function portEnv(f: Facts): Listen | undefined {
  const v = f.model.env.get('PORT')?.value
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) return undefined
  return {port: Number(v), source: 'ENV PORT', raw: v}
}

function describe(l: Listen): string {
  return `${l.port} (${l.source})`
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  const configured = f.ctx.configuredPort
  for (const e of f.model.exposes)
    if (e.invalid)
      out.push(finding(INVALID, e.line, `EXPOSE ${e.raw}: ${e.invalid}.`, 'EXPOSE a number, e.g. `EXPOSE 8000`.'))
  const {own, all, line: exposeLine} = portsOf(f)
  const declared = own.length > 0 ? own : (f.model.image?.exposedPorts ?? [])
  const listens = appListens(f)
  const bound = listens.filter((l) => l.port !== undefined && !l.portVar)
  // Without a port in the start command, `ENV PORT=…` is the port the app reads (Node, Go, Ruby … conventions).
  const envPort = bound.length === 0 ? portEnv(f) : undefined
  const known = envPort ? [envPort] : bound
  const startLine = f.main?.proc.line ?? f.model.start?.line
  const suggest = configured ?? known[0]?.port
  const exposeFix =
    suggest !== undefined ? `Add \`EXPOSE ${suggest}\`.` : 'Add `EXPOSE <port>` with the port the app listens on.'

  if (all.length === 0) {
    const boundDefault = known.some((l) => APP_SERVICE_DEFAULTS.includes(l.port!))
    if (configured === undefined && !boundDefault) {
      const what = known[0] ? `the app listens on ${describe(known[0])}` : 'the start command names no port'
      out.push(
        finding(
          UNREACHABLE,
          undefined,
          `No EXPOSE and no configured port, and ${what}: App Service will ping port 80 or 8080 and the container will not answer.`,
          `${exposeFix} Or set the port in azdeploy.yml (WEBSITES_PORT).`,
        ),
      )
    } else {
      out.push(finding(NO_EXPOSE, undefined, 'The image does not EXPOSE the port the app listens on.', exposeFix))
    }
  } else if (configured !== undefined && declared.length > 0 && !declared.includes(configured)) {
    out.push(
      finding(
        EXPOSE_MISMATCH,
        exposeLine,
        `EXPOSE ${declared.join(' ')} but the configured port is ${configured}: App Service pings ${configured}.`,
        `Make them agree: \`EXPOSE ${configured}\`, or set the port to ${declared[0]} in azdeploy.yml.`,
      ),
    )
  } else if (configured === undefined && new Set(all).size > 1) {
    out.push(
      finding(
        MULTIPLE,
        exposeLine,
        `The image exposes ${[...new Set(all)].join(', ')}; App Service forwards HTTP to one port only.`,
        'Set the port in azdeploy.yml (WEBSITES_PORT), or EXPOSE only the HTTP port.',
      ),
    )
  }

  const ping = configured ?? (new Set(all).size === 1 ? all[0] : undefined)
  if (ping !== undefined && bound.length > 0 && !bound.some((l) => l.port === ping)) {
    const why = configured !== undefined ? `the configured port is ${configured}` : `the image exposes ${ping}`
    out.push(
      finding(
        BIND_MISMATCH,
        startLine,
        `${f.main?.server.name ?? 'The app'} listens on ${bound.map(describe).join(', ')} but ${why}: App Service's HTTP pings will not be answered.`,
        `Bind the server to 0.0.0.0:${ping}, or change EXPOSE and the configured port to ${bound[0]!.port}.`,
      ),
    )
  }
  for (const l of listens)
    if (l.portVar && !f.running.some((r) => r.proc.execForm && r.server.listens.includes(l))) {
      out.push(
        finding(
          UNSET_VAR,
          startLine,
          `The port comes from \${${l.portVar}}, which the image does not set (App Service does not set ${l.portVar} for custom containers).`,
          `Add \`ENV ${l.portVar}=${ping ?? 8000}\`, or set it as an app setting.`,
        ),
      )
      break
    }
  return out
}

export const portRules: RuleFamily = {
  rules: [INVALID, UNREACHABLE, NO_EXPOSE, EXPOSE_MISMATCH, BIND_MISMATCH, MULTIPLE, UNSET_VAR],
  check,
}
