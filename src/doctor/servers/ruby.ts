/** Ruby: `rails server` listens on localhost unless -b/BINDING is given or the environment is not development. */

import type {Listen} from '../address.js'
import {parsePort} from '../address.js'
import {type Handler, last, optValues} from './common.js'

export const ruby: Handler = (s, b, args, env) => {
  if (b !== 'rails' || !/^(s|server)$/.test(args[0] ?? '')) return false
  const opts = args.slice(1)
  s.kind = 'server'
  s.name = 'rails server'
  // Rails: `environment == "development" ? "localhost" : "0.0.0.0"`, unless --binding or BINDING says otherwise.
  const railsEnv =
    last(optValues(opts, ['-e', '--environment'])) ?? env('RAILS_ENV') ?? env('RACK_ENV') ?? 'development'
  const binding = last(optValues(opts, ['-b', '--binding']))
  const host = binding ?? env('BINDING')
  const port = last(optValues(opts, ['-p', '--port'])) ?? env('PORT')
  const l: Listen = {
    source: binding === undefined && host !== undefined ? 'BINDING' : 'rails server',
    raw: [host, port].filter(Boolean).join(':'),
    hint: `rails server -b 0.0.0.0${port !== undefined ? ` -p ${port}` : ''}`,
    host: host ?? (railsEnv === 'development' ? 'localhost' : '0.0.0.0'),
  }
  if (host === undefined) l.hostDefault = true
  if (port !== undefined) Object.assign(l, parsePort(port))
  else Object.assign(l, {port: 3000, portDefault: true})
  s.listens.push(l)
  return true
}
