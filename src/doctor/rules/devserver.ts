/** devserver: development servers, auto-reloaders, builds at start and debug settings in the start command. */
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {Finding} from '../types.js'

const DEV = rule('devserver/dev-server', 'warning', 'a framework development server is the start command')
const RELOAD = rule('devserver/reload', 'warning', 'an auto-reloader or file watcher in the start command')
const BUILD = rule(
  'devserver/build-at-start',
  'warning',
  'the start command builds or installs (slow start, may exceed the start time limit)',
)
const DEBUG = rule('devserver/debug-env', 'warning', 'ENV turns on a development or debug mode')

const DEBUG_ENV: Record<string, RegExp> = {
  FLASK_DEBUG: /^(1|true|yes|on)$/i,
  FLASK_ENV: /^development$/i,
  DEBUG: /^(1|true|yes|on)$/i,
  DJANGO_DEBUG: /^(1|true|yes|on)$/i,
  APP_DEBUG: /^(1|true|yes|on)$/i,
  NODE_ENV: /^(development|dev)$/i,
  ASPNETCORE_ENVIRONMENT: /^development$/i,
  DOTNET_ENVIRONMENT: /^development$/i,
  RAILS_ENV: /^development$/i,
  RACK_ENV: /^development$/i,
  APP_ENV: /^(development|dev|local)$/i,
  SPRING_PROFILES_ACTIVE: /(^|,)(dev|development|local)(,|$)/i,
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  for (const {proc, server} of f.running) {
    if (server.dev)
      out.push(
        finding(
          DEV,
          proc.line,
          `\`${server.name}\` is a development server: single-threaded or unoptimised, not meant for production.`,
          server.dev.fix,
        ),
      )
    if (server.reload)
      out.push(
        finding(
          RELOAD,
          proc.line,
          `${server.reload.flag} watches files and restarts the app: wasted CPU and surprise restarts in an immutable image.`,
          server.reload.fix,
        ),
      )
    if (server.buildAtStart)
      out.push(
        finding(
          BUILD,
          proc.line,
          `\`${proc.text}\` builds or installs when the container starts: slow starts can exceed App Service's start time limit.`,
          server.buildAtStart.fix,
        ),
      )
  }
  for (const [name, {value, line}] of f.model.env) {
    const re = DEBUG_ENV[name]
    if (re?.test(value))
      out.push(
        finding(
          DEBUG,
          line,
          `${name}=${value} runs the app in development/debug mode.`,
          `Set the production value (or leave ${name} unset) in the image; use app settings for per-environment values.`,
        ),
      )
  }
  return out
}

export const devserverRules: RuleFamily = {rules: [DEV, RELOAD, BUILD, DEBUG], check}
