/**
 * End-of-life dates of base images (upstream support ends; checked against `today`). Dates are the projects'
 * published end of (security) support; Go's is the release of the second next version.
 */
import {imageKey} from './data.js'
import type {BaseRef} from './types.js'

/** The day the end-of-life dates below were last checked against the projects' published schedules. */
export const EOL_DATA_CHECKED = '2026-11-28'
/** Past this many months after EOL_DATA_CHECKED, doctor says that its end-of-life table may be out of date. */
export const EOL_DATA_STALE_MONTHS = 6

/** The ISO date `months` after `date` (clamped to the month's last day: 2026-08-31 + 6 months is 2027-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const first = new Date(Date.UTC(y, m - 1 + months, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, last))
  return first.toISOString().slice(0, 10)
}

/** A notice when `today` is more than EOL_DATA_STALE_MONTHS after the table was checked; else undefined. */
export function eolDataNotice(today: string): string | undefined {
  if (today <= addMonths(EOL_DATA_CHECKED, EOL_DATA_STALE_MONTHS)) return undefined
  return `doctor's base-image end-of-life dates were last checked on ${EOL_DATA_CHECKED}, more than ${EOL_DATA_STALE_MONTHS} months ago: releases that reached end of life since then are not flagged (update azdeploy).`
}

type Table = Record<string, string>

const PYTHON: Table = {
  '2': '2020-01-01',
  '2.7': '2020-01-01',
  '3.5': '2020-09-30',
  '3.6': '2021-12-23',
  '3.7': '2023-06-27',
  '3.8': '2024-10-07',
  '3.9': '2025-10-31',
  '3.10': '2026-10-31',
  '3.11': '2027-10-31',
  '3.12': '2028-10-31',
  '3.13': '2029-10-31',
  '3.14': '2030-10-31',
}
const NODE: Table = {
  '8': '2019-12-31',
  '9': '2018-06-30',
  '10': '2021-04-30',
  '11': '2019-06-01',
  '12': '2022-04-30',
  '13': '2020-06-01',
  '14': '2023-04-30',
  '15': '2021-06-01',
  '16': '2023-09-11',
  '17': '2022-06-01',
  '18': '2025-04-30',
  '19': '2023-06-01',
  '20': '2026-04-30',
  '21': '2024-06-01',
  '22': '2027-04-30',
  '23': '2025-06-01',
  '24': '2028-04-30',
  '25': '2026-06-01',
}
const NODE_CODENAMES: Record<string, string> = {
  argon: '4',
  boron: '6',
  carbon: '8',
  dubnium: '10',
  erbium: '12',
  fermium: '14',
  gallium: '16',
  hydrogen: '18',
  iron: '20',
  jod: '22',
  krypton: '24',
}
const GO: Table = {
  '1.19': '2023-08-08',
  '1.20': '2024-02-06',
  '1.21': '2024-08-13',
  '1.22': '2025-02-11',
  '1.23': '2025-08-12',
  '1.24': '2026-02-10',
  '1.25': '2026-08-11',
  '1.26': '2027-02-09',
  '1.27': '2027-08-10',
}
const DOTNET: Table = {
  '2.1': '2021-08-21',
  '2.2': '2019-12-23',
  '3.0': '2020-03-03',
  '3.1': '2022-12-13',
  '5.0': '2022-05-10',
  '6.0': '2024-11-12',
  '7.0': '2024-05-14',
  '8.0': '2026-11-10',
  '9.0': '2026-11-10',
  '10.0': '2028-11-14',
}
const DEBIAN: Table = {
  jessie: '2020-06-30',
  stretch: '2022-06-30',
  buster: '2024-06-30',
  bullseye: '2026-08-31',
  bookworm: '2028-06-30',
  trixie: '2030-06-30',
}
const DEBIAN_NUMBERS: Record<string, string> = {
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
}
const UBUNTU: Table = {
  '14.04': '2019-04-30',
  '16.04': '2021-04-30',
  '18.04': '2023-05-31',
  '20.04': '2025-05-31',
  '22.04': '2027-06-01',
  '22.10': '2023-07-20',
  '23.04': '2024-01-25',
  '23.10': '2024-07-11',
  '24.04': '2029-05-31',
  '24.10': '2025-07-10',
  '25.04': '2026-01-15',
  '25.10': '2026-07-09',
}
const UBUNTU_CODENAMES: Record<string, string> = {
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  focal: '20.04',
  jammy: '22.04',
  kinetic: '22.10',
  lunar: '23.04',
  mantic: '23.10',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
  questing: '25.10',
}
const ALPINE: Table = {
  '3.14': '2023-05-01',
  '3.15': '2023-11-01',
  '3.16': '2024-05-23',
  '3.17': '2024-11-22',
  '3.18': '2025-05-09',
  '3.19': '2025-11-01',
  '3.20': '2026-04-01',
  '3.21': '2026-11-01',
  '3.22': '2027-05-01',
  '3.23': '2027-11-01',
}
const PHP: Table = {
  '5': '2018-12-31',
  '7.0': '2019-01-10',
  '7.1': '2019-12-01',
  '7.2': '2020-11-30',
  '7.3': '2021-12-06',
  '7.4': '2022-11-28',
  '8.0': '2023-11-26',
  '8.1': '2025-12-31',
  '8.2': '2026-12-31',
  '8.3': '2027-12-31',
}
const RUBY: Table = {
  '2.6': '2022-04-12',
  '2.7': '2023-03-31',
  '3.0': '2024-04-23',
  '3.1': '2025-03-31',
  '3.2': '2026-03-31',
  '3.3': '2027-03-31',
}
/** Non-LTS Java releases end when the next one ships. */
const JAVA: Table = {
  '9': '2018-03-20',
  '10': '2018-09-25',
  '12': '2019-09-17',
  '13': '2020-03-17',
  '14': '2020-09-15',
  '15': '2021-03-16',
  '16': '2021-09-14',
  '18': '2022-09-20',
  '19': '2023-03-21',
  '20': '2023-09-19',
  '22': '2024-09-17',
  '23': '2025-03-18',
  '24': '2025-09-16',
  '26': '2026-09-15',
}
const NGINX: Table = {
  '1.18': '2021-04-20',
  '1.20': '2022-05-24',
  '1.22': '2023-04-11',
  '1.23': '2023-04-11',
  '1.24': '2024-04-23',
  '1.25': '2024-04-23',
  '1.26': '2025-04-23',
  '1.27': '2025-04-23',
}

function lookup(table: Table, version: string | undefined): string | undefined {
  if (version === undefined) return undefined
  return table[version]
}

const JAVA_REPOS =
  /^(eclipse-temurin|openjdk|amazoncorretto|ibm-semeru-runtimes|sapmachine|mcr\.microsoft\.com\/openjdk\/jdk|azul\/zulu-openjdk.*)$/

/** End-of-life components of a base image reference: e.g. `[{what: 'Python 3.8', date: '2024-10-07'}]`. */
export function endOfLife(b: BaseRef): Array<{what: string; date: string}> {
  const key = imageKey(b)
  const tag = (b.tag ?? '').toLowerCase()
  const out: Array<{what: string; date: string}> = []
  const add = (what: string, date: string | undefined) => {
    if (date && !out.some((o) => o.what === what)) out.push({what, date})
  }
  const mm = /^(\d+)(?:\.(\d+))?/.exec(tag)
  const major = mm?.[1]
  const minor = mm?.[2] !== undefined ? `${mm[1]}.${mm[2]}` : undefined
  if (key === 'python' || key === 'pypy')
    add(`Python ${minor ?? major}`, lookup(PYTHON, minor ?? (major === '2' ? '2' : undefined)))
  if (key === 'node') {
    const code = tag.split('-')[0] ?? ''
    const m = NODE_CODENAMES[code] ?? major
    add(`Node.js ${m}`, lookup(NODE, m))
  }
  if (key === 'golang')
    add(`Go ${minor}`, lookup(GO, minor) ?? (minor && Number(mm?.[2]) < 19 ? '2023-02-01' : undefined))
  if (
    /^mcr\.microsoft\.com\/dotnet\/(core\/)?(aspnet|runtime|runtime-deps|sdk)$/.test(key) ||
    /^microsoft\/(dotnet|aspnetcore)/.test(key)
  )
    add(`.NET ${minor}`, lookup(DOTNET, minor))
  if (key === 'php') add(`PHP ${minor ?? major}`, lookup(PHP, minor) ?? lookup(PHP, major))
  if (key === 'ruby')
    add(`Ruby ${minor}`, lookup(RUBY, minor) ?? (major === '2' && Number(mm?.[2]) < 6 ? '2021-03-31' : undefined))
  if (JAVA_REPOS.test(key)) add(`Java ${major}`, lookup(JAVA, major))
  if (key === 'nginx' || key === 'nginxinc/nginx-unprivileged') add(`nginx ${minor}`, lookup(NGINX, minor))
  if (key === 'debian')
    add(`Debian ${DEBIAN_NUMBERS[major ?? ''] ?? ''}`.trim(), lookup(DEBIAN, DEBIAN_NUMBERS[major ?? '']))
  if (key === 'ubuntu') add(`Ubuntu ${minor}`, lookup(UBUNTU, minor))
  if (key === 'alpine')
    add(`Alpine ${minor}`, lookup(ALPINE, minor) ?? (minor && Number(mm?.[2]) < 14 ? '2022-11-01' : undefined))
  for (const part of tag.split(/[-_]/)) {
    if (DEBIAN[part]) add(`Debian ${part}`, DEBIAN[part])
    const u = UBUNTU_CODENAMES[part]
    if (u) add(`Ubuntu ${u} (${part})`, UBUNTU[u])
    const a = /^alpine(3\.\d+)$/.exec(part)
    if (a && key !== 'alpine')
      add(`Alpine ${a[1]}`, lookup(ALPINE, a[1]) ?? (Number(a[1]!.slice(2)) < 14 ? '2022-11-01' : undefined))
  }
  return out
}

/** Distribution codenames that are a pinned release even without a number. */
export const RELEASE_WORDS = new Set([
  ...Object.keys(DEBIAN),
  ...Object.keys(UBUNTU_CODENAMES),
  ...Object.keys(NODE_CODENAMES),
])
