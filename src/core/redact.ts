/**
 * Scrubbing used by every reporter and by the --verbose HTTP trace: query parameters and header values that can
 * carry credentials are masked; bearer tokens and JWT-shaped strings anywhere in a text are masked.
 */
const SECRET_PARAMS = /^(sig|signature|token|access_token|refresh_token|code|client_secret|password|se|sv|skoid)$/i
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi

export function redactUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return redactText(raw)
  }
  if (url.username || url.password) {
    url.username = 'REDACTED'
    url.password = ''
  }
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) url.searchParams.set(key, 'REDACTED')
  }
  return url.toString()
}

export function redactText(text: string): string {
  return text.replace(BEARER, '$1 [REDACTED]').replace(JWT, '[REDACTED-JWT]')
}

/** Masks every occurrence of the given secret values (e.g. app-setting values) inside a text. */
export function redactValues(text: string, values: Iterable<string>): string {
  let out = text
  for (const v of values) {
    if (v.length >= 4) out = out.split(v).join('[REDACTED]')
  }
  return out
}
