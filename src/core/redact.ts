/**
 * Scrubbing of everything azdeploy writes (stderr lines, the stdout result, the --json document, error text, the
 * --verbose HTTP trace): the secret values the run registered (a `Redactor`), then credential shapes anywhere in a
 * text: bearer/basic credentials, JWTs, `sig=`/`*_token=`/`password=`… pairs, JSON `"*_token": "…"` pairs.
 *
 * Linear on long lines (a 2 MB container log line): no pattern can rescan the same run of characters from many
 * start positions (each one starts only where its run of token characters starts, and its parts are separated
 * by characters its classes exclude), and values are found with `indexOf`, once per value.
 */
export const REDACTED = '[REDACTED]'
/** Values shorter than this are not masked as text: "1" or "on" would mask every digit or word. */
export const MIN_SECRET_LENGTH = 4

const SECRET_PARAMS = /^(sig|signature|token|access_token|refresh_token|code|client_secret|password|se|sv|skoid)$/i
/** A JWT starting where a run of base64url characters starts (never inside one: that rescans the run). */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g
const BEARER = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi
/** Key names whose value is a credential: `*token`, `*password`, `*secret`, SAS signature parts, storage keys. */
const KEY = String.raw`[A-Za-z0-9_]*(?:token|password|passwd|secret)|sig|signature|skoid|sktid|skt|ske|sks|skv|se|accountkey|sharedaccesskey|(?<=[?&])code`
/** `key=value` in a query string, a connection string or prose; the value ends at a separator or a quote. */
const PAIR = new RegExp(String.raw`(?<![A-Za-z0-9_])(${KEY})=[^\s&"'<>\\,;]+`, 'gi')
/** `"key": "value"` in a JSON body quoted by a service. */
const JSON_PAIR = new RegExp(String.raw`"(${KEY})"(\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi')
/** The same pair inside a JSON string (a service quoting a JSON body as text): `\"password\": \"…\"`. */
const ESCAPED_JSON_PAIR = new RegExp(String.raw`\\"(${KEY})\\"(\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"`, 'gi')
const SECRET_KEY = new RegExp(String.raw`^(?:${KEY.replace('|(?<=[?&])code', '')})$`, 'i')

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

/** Credential shapes anywhere in a text (no registered values: see `Redactor`). */
export function redactText(text: string): string {
  return text
    .replace(BEARER, `$1$2${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(JSON_PAIR, `"$1"$2"${REDACTED}"`)
    .replace(ESCAPED_JSON_PAIR, (_m, key: string, sep: string) => `\\"${key}\\"${sep}\\"${REDACTED}\\"`)
    .replace(PAIR, `$1=${REDACTED}`)
}

const SECRET_SETTING =
  /token|passw(or)?d|pwd|secret|key|conn(ection)?_?str|credential|auth|signature|sas|private|dsn|cert/i

/**
 * An app setting written literally (`--env NAME=VALUE`, `NAME: value` in azdeploy.yml) whose name says it holds a
 * credential (`DB_PASSWORD`, `API_KEY`, `STORAGE_CONNECTION_STRING`…). Values from the environment are always secret;
 * other literal values ("info", "production") are not masked: masking them would mangle every line naming them.
 */
export function isSecretSettingName(name: string): boolean {
  return SECRET_SETTING.test(name)
}

/** A key (of a JSON document or a query string) whose value is a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key)
}

/** Masks every occurrence of the given secret values (e.g. app-setting values) inside a text. */
export function redactValues(text: string, values: Iterable<string>): string {
  let out = text
  for (const v of values) {
    if (v.length >= MIN_SECRET_LENGTH && out.includes(v)) out = out.split(v).join(REDACTED)
  }
  return out
}

/**
 * The run's secret set and the one redactor every write goes through. `add` registers a value the run holds
 * (with its JSON-escaped and URL-encoded spellings, as a service may quote it); `text` and `json` scrub.
 */
export class Redactor {
  /** Longest first, so a value containing another is masked whole. */
  #values: string[] = []
  readonly #seen = new Set<string>()

  get size(): number {
    return this.#values.length
  }

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#seen.has(value)) return
    this.#seen.add(value)
    const spellings = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])
    for (const s of spellings) if (!this.#values.includes(s)) this.#values.push(s)
    this.#values.sort((a, b) => b.length - a.length)
  }

  text(text: string): string {
    return redactText(redactValues(text, this.#values))
  }

  /** A JSON document as text: each string scrubbed before it is escaped, a secret-named key's value masked. */
  stringify(doc: unknown, space?: number): string {
    return JSON.stringify(this.json(doc), null, space)
  }

  /** A copy of a JSON-like value with every string scrubbed (and the whole value of a secret-named key). */
  json<T>(doc: T): T {
    const walk = (v: unknown, key?: string): unknown => {
      if (typeof v === 'string') return key !== undefined && isSecretKey(key) && v !== '' ? REDACTED : this.text(v)
      if (Array.isArray(v)) return v.map((x) => walk(x))
      if (v && typeof v === 'object') {
        const o = v as {toJSON?: () => unknown}
        if (typeof o.toJSON === 'function') return walk(o.toJSON(), key)
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
      }
      return v
    }
    return walk(doc) as T
  }
}
