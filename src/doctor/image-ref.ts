/** Base image references of FROM lines, split the way Docker reads them. */
import type {BaseRef} from './types.js'

/** Splits `registry/repo:tag@digest` (registry only when the first part has a dot, a colon or is localhost). */
export function parseImageRef(ref: string): Pick<BaseRef, 'registry' | 'repo' | 'tag' | 'digest'> {
  let rest = ref
  const out: Pick<BaseRef, 'registry' | 'repo' | 'tag' | 'digest'> = {repo: ''}
  const at = rest.indexOf('@')
  if (at >= 0) {
    out.digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  const slash = rest.indexOf('/')
  const first = slash >= 0 ? rest.slice(0, slash) : ''
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost')) {
    out.registry = first.toLowerCase()
    rest = rest.slice(slash + 1)
  }
  const colon = rest.lastIndexOf(':')
  if (colon >= 0) {
    out.tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  out.repo = rest.toLowerCase()
  return out
}
