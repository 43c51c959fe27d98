/** base: supported, pinned base images with a linux/amd64 variant. */
import {deprecation, imageKey} from '../data.js'
import {endOfLife, RELEASE_WORDS} from '../eol.js'
import {type Facts, finding, type RuleFamily, rule} from '../facts.js'
import type {BaseRef, Finding} from '../types.js'

const EOL = rule('base/eol', 'warning', 'the base image is an end-of-life release (no security fixes)')
const DEPRECATED = rule('base/deprecated', 'warning', 'the base image repository is deprecated upstream')
const LATEST = rule('base/latest', 'warning', 'the base image is `latest` or has no tag: builds are not reproducible')
const UNPINNED = rule(
  'base/unpinned',
  'info',
  'the base image tag floats across releases (`lts`, `slim`, `python:3` …)',
)
const PLATFORM = rule('base/platform', 'error', 'the image has no linux/amd64 variant (App Service runs linux/amd64)')

const MAJOR_ONLY = /^(python|ruby|php|pypy)$/

function unpinned(b: BaseRef): boolean {
  const tag = (b.tag ?? '').toLowerCase()
  if (/\d/.test(tag)) return MAJOR_ONLY.test(imageKey(b)) && /^\d+(-|$)/.test(tag)
  // gcr.io/distroless/static-debian12:nonroot: the release is in the repository name.
  if (/\d/.test(b.repo.split('/').pop() ?? '')) return false
  return !tag.split(/[-_.]/).some((p) => RELEASE_WORDS.has(p))
}

function isWindows(b: BaseRef): boolean {
  return (
    /^mcr\.microsoft\.com\/windows(\/|$)/.test(imageKey(b)) ||
    /nanoserver|windowsservercore|servercore|ltsc20\d\d/.test(b.tag ?? '')
  )
}

function check(f: Facts): Finding[] {
  const out: Finding[] = []
  for (const b of f.model.bases) {
    if (b.unresolved || b.repo === 'scratch') continue
    const stage = b.final ? 'the final image' : `build stage ${b.stage}`
    const ended = endOfLife(b).filter((e) => e.date <= f.today)
    if (ended.length > 0)
      out.push(
        finding(
          EOL,
          b.line,
          `${b.ref} (${stage}): ${ended.map((e) => `${e.what} reached end of life on ${e.date}`).join('; ')}.`,
          'Move to a supported release of the base image.',
        ),
      )
    const dep = deprecation(b)
    if (dep) out.push(finding(DEPRECATED, b.line, `${b.ref}: ${dep}.`, 'Switch to the maintained replacement.'))
    if (b.digest === undefined && (b.tag === undefined || b.tag === 'latest'))
      out.push(
        finding(
          LATEST,
          b.line,
          `${b.ref} (${stage}) is \`latest\`: each build may get a different base.`,
          `Pin a version tag (or a digest), e.g. ${b.repo}:<version>.`,
        ),
      )
    else if (b.digest === undefined && unpinned(b))
      out.push(
        finding(
          UNPINNED,
          b.line,
          `${b.ref} (${stage}): the tag "${b.tag}" moves to new releases.`,
          'Pin at least the minor version (e.g. python:3.12-slim, node:22-alpine).',
        ),
      )
    if (b.final && isWindows(b))
      out.push(
        finding(
          PLATFORM,
          b.line,
          `${b.ref} is a Windows image; Linux App Service runs linux/amd64 containers.`,
          'Use a Linux base image.',
        ),
      )
    else if (b.final && b.platform && !b.platform.includes('$') && !/^linux\/amd64(\/|$)/.test(b.platform))
      out.push(
        finding(
          PLATFORM,
          b.line,
          `FROM --platform=${b.platform}: the final image is built for ${b.platform}, not linux/amd64.`,
          'Remove --platform from the final stage (or use --platform=linux/amd64).',
        ),
      )
  }
  const platforms = f.ctx.image?.platforms ?? []
  if (platforms.length > 0 && !platforms.some((p) => /^linux\/amd64(\/|$)/.test(p)))
    out.push(
      finding(
        PLATFORM,
        f.finalBase?.line,
        `The image has no linux/amd64 variant (it has ${platforms.join(', ')}); App Service cannot run it.`,
        'Build for linux/amd64: `docker buildx build --platform linux/amd64` (or add it to the platforms list).',
      ),
    )
  return out
}

export const baseImageRules: RuleFamily = {rules: [EOL, DEPRECATED, LATEST, UNPINNED, PLATFORM], check}
