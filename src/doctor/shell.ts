/**
 * A small POSIX-shell reader, enough for start commands: words with quoting, `$VAR` / `${VAR:-default}` expansion,
 * command separators (`;`, `&&`, `||`, `|`, `&`, newlines, subshell parentheses) and output redirections.
 * It does not run anything and does not try to be complete (no globbing, no arithmetic, no functions).
 */

export interface ShellCommand {
  words: string[]
  redirects: Array<{fd: string; op: string; target: string}>
  /** The operator that ended the command: `;`, `&&`, `||`, `|`, `&` or `` at the end. */
  end: string
  text: string
}

/** Returns a variable's value, or undefined when it is not set (the reference is then kept as `${NAME}`). */
export type Resolver = (name: string) => string | undefined

const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

/**
 * How deep `${A:-${B:-…}}` defaults are expanded; deeper ones are kept as written. Unbounded, a hostile Dockerfile
 * or image config overflowed the stack; each level rescans its text, so the bound also keeps the work linear.
 */
export const MAX_EXPANSION_DEPTH = 16

/** Expands `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}` in text (no quotes handled here). */
export function expandVars(text: string, resolve: Resolver, depth = 0): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === '\\' && text[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (c !== '$') {
      out += c
      i++
      continue
    }
    const r = readDollar(text, i, resolve, depth)
    out += r.value
    i = r.next
  }
  return out
}

function readDollar(text: string, i: number, resolve: Resolver, depth = 0): {value: string; next: number} {
  const next = text[i + 1]
  if (next === '{') {
    const close = findClose(text, i + 2, '{', '}')
    const inner = text.slice(i + 2, close)
    return {value: expandBraced(inner, resolve, depth), next: close + 1}
  }
  if (next === '(') {
    const close = findClose(text, i + 2, '(', ')')
    return {value: text.slice(i, close + 1), next: close + 1}
  }
  if (next !== undefined && NAME_START.test(next)) {
    let j = i + 1
    while (j < text.length && NAME_CHAR.test(text[j]!)) j++
    const name = text.slice(i + 1, j)
    const v = resolve(name)
    return {value: v ?? '${' + name + '}', next: j}
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) return {value: text.slice(i, i + 2), next: i + 2}
  return {value: '$', next: i + 1}
}

function findClose(text: string, from: number, open: string, close: string): number {
  let depth = 1
  for (let j = from; j < text.length; j++) {
    if (text[j] === open) depth++
    else if (text[j] === close && --depth === 0) return j
  }
  return text.length
}

function expandBraced(inner: string, resolve: Resolver, depth: number): string {
  if (depth >= MAX_EXPANSION_DEPTH) return '${' + inner + '}'
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+=?])(.*))?$/s.exec(inner)
  if (!m) return '${' + inner + '}'
  const [, name, colon, op, word] = m as unknown as [string, string, string | undefined, string | undefined, string]
  const v = resolve(name)
  const unset = v === undefined || (colon === ':' && v === '')
  if (op === undefined) return v ?? '${' + name + '}'
  if (op === '-' || op === '=') return unset ? expandVars(word, resolve, depth + 1) : v!
  if (op === '+') return unset ? '' : expandVars(word, resolve, depth + 1)
  return v ?? '${' + name + '}'
}

/** Sticky: matched at lastIndex without copying the rest of the script (a copy per redirect was quadratic). */
const REDIRECT = /(&>>|&>|>>|>\||>&|>|<<<|<<|<&|<)/y

type Token = {t: 'word'; v: string} | {t: 'op'; v: string} | {t: 'redir'; fd: string; op: string}

function tokenize(script: string, resolve: Resolver): Array<Token & {at: number}> {
  const tokens: Array<Token & {at: number}> = []
  let word = ''
  let inWord = false
  let wordAt = 0
  let quoted = false
  const flush = () => {
    if (inWord) tokens.push({t: 'word', v: word, at: wordAt})
    word = ''
    inWord = false
    quoted = false
  }
  const start = (i: number) => {
    if (!inWord) {
      inWord = true
      wordAt = i
    }
  }
  let i = 0
  while (i < script.length) {
    const c = script[i]!
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        i += 2
        continue
      }
      start(i)
      word += script[i + 1] ?? ''
      i += 2
      continue
    }
    if (c === "'") {
      start(i)
      quoted = true
      const close = script.indexOf("'", i + 1)
      const end = close < 0 ? script.length : close
      word += script.slice(i + 1, end)
      i = end + 1
      continue
    }
    if (c === '"') {
      start(i)
      quoted = true
      let j = i + 1
      let raw = ''
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && /["\\$`\n]/.test(script[j + 1] ?? '')) {
          raw += script[j + 1] === '$' ? '\\$' : script[j + 1] === '\n' ? '' : script[j + 1]
          j += 2
        } else raw += script[j++]
      }
      word += expandVars(raw, resolve)
      i = j + 1
      continue
    }
    if (c === '$') {
      start(i)
      const r = readDollar(script, i, resolve)
      word += r.value
      i = r.next
      continue
    }
    if (c === '`') {
      start(i)
      const close = script.indexOf('`', i + 1)
      const end = close < 0 ? script.length : close
      word += script.slice(i, end + 1)
      i = end + 1
      continue
    }
    if (c === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flush()
      i++
      continue
    }
    if (c === '>' || c === '<' || (c === '&' && script[i + 1] === '>')) {
      let fd = c === '&' ? '&' : c === '<' ? '0' : '1'
      if (c !== '&' && inWord && !quoted && /^[0-9]$/.test(word)) {
        fd = word
        word = ''
        inWord = false
      } else flush()
      REDIRECT.lastIndex = i
      const m = REDIRECT.exec(script)!
      tokens.push({t: 'redir', fd, op: m[1]!, at: i})
      i += m[1]!.length
      continue
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '\n') {
      flush()
      const two = script.slice(i, i + 2)
      const op = two === '&&' || two === '||' || two === ';;' || two === '|&' ? two : c
      tokens.push({t: 'op', v: op === '\n' || op === ';;' ? ';' : op, at: i})
      i += op.length
      continue
    }
    start(i)
    word += c
    i++
  }
  flush()
  return tokens
}

/** Splits a shell script into simple commands. Variables are expanded with `resolve`. */
export function parseShell(script: string, resolve: Resolver = () => undefined): ShellCommand[] {
  const tokens = tokenize(script, resolve)
  const out: ShellCommand[] = []
  let cur: ShellCommand = {words: [], redirects: [], end: '', text: ''}
  let from = 0
  const groups: number[] = []
  const push = (end: string, at: number) => {
    cur.end = end
    cur.text = script.slice(from, at).trim()
    if (cur.words.length > 0) out.push(cur)
    else if (end === '&' && out.length > 0 && cur.redirects.length === 0) out[out.length - 1]!.end = '&'
    cur = {words: [], redirects: [], end: '', text: ''}
  }
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!
    if (cur.words.length === 0 && cur.redirects.length === 0) from = tok.at
    if (tok.t === 'word') cur.words.push(tok.v)
    else if (tok.t === 'redir') {
      const next = tokens[k + 1]
      let target = ''
      if (tok.op === '>&' || tok.op === '<&') {
        if (next?.t === 'word') {
          target = '&' + next.v
          k++
        }
      } else if (next?.t === 'word') {
        target = next.v
        k++
      }
      cur.redirects.push({fd: tok.fd, op: tok.op, target})
    } else {
      const at = tok.at
      // `( … )` groups: the parentheses separate commands; `( … ) &` sends the whole group to the background.
      if (tok.v === '(' || tok.v === ')') {
        if (cur.words.length > 0) push(';', at)
        if (tok.v === '(') groups.push(out.length)
        else {
          const first = groups.pop() ?? 0
          const after = tokens[k + 1]
          if (after?.t === 'op' && after.v === '&') {
            for (const c of out.slice(first)) c.end = '&'
            k++
          }
        }
        continue
      }
      push(tok.v, at)
    }
  }
  push('', script.length)
  return out
}
