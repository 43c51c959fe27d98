/**
 * The last pass over help text: oclif wraps its sections, but not the summary line at the top, the root
 * description, or an example given as one string. A line wider than the terminal is wrapped here at spaces: an
 * example (`$ azdeploy …`) continues with ` \` on lines indented 4 more, like oclif's own multi-line examples;
 * other text continues at its own indentation. An example that starts with an environment assignment
 * (`NAME=value azdeploy …`, which oclif does not take for a command) gets its `$ ` too. Pure.
 */

const SGR = /\u001b\[[0-9;]*m/g
const width = (s: string) => [...s.replace(SGR, '')].length

function wrapWords(words: string[], first: number, rest: number): string[] {
  const lines: string[] = []
  let cur = ''
  for (const w of words) {
    const room = lines.length === 0 ? first : rest
    if (cur && width(cur) + 1 + width(w) > room) {
      lines.push(cur)
      cur = w
    } else cur = cur ? `${cur} ${w}` : w
  }
  if (cur) lines.push(cur)
  return lines
}

function fitLine(line: string, max: number): string {
  if (width(line) <= max) return line
  const indent = /^ */.exec(line)?.[0] ?? ''
  const words = line.slice(indent.length).split(' ').filter(Boolean)
  if (words[0] === '$') {
    const more = `${indent}    `
    const parts = wrapWords(words, max - indent.length - 2, max - more.length - 2)
    return parts.map((p, i) => `${i === 0 ? indent : more}${p}${i < parts.length - 1 ? ' \\' : ''}`).join('\n')
  }
  const parts = wrapWords(words, max - indent.length, max - indent.length)
  return parts.map((p) => `${indent}${p}`).join('\n')
}

export function fitHelp(text: string, max: number, bin: string): string {
  const envCommand = new RegExp(`^ {2}(?:[A-Z_][A-Z0-9_]*=\\S* )+${bin.replace(/[^\w-]/g, '')} `)
  let examples = false
  const lines = text.split('\n').map((l) => {
    const plain = l.replace(SGR, '')
    if (/^[A-Z][A-Z ]+$/.test(plain)) examples = plain === 'EXAMPLES'
    return examples && envCommand.test(plain) ? `  $ ${l.slice(2)}` : l
  })
  if (!Number.isFinite(max) || max < 20) return lines.join('\n')
  return lines.map((l) => fitLine(l, max)).join('\n')
}
