/**
 * Data about base images: deprecated repositories and what well-known images already configure (EXPOSE,
 * environment, start command, user). End-of-life dates are in eol.ts.
 */
import type {BaseRef} from './types.js'

/** `registry/repo` without docker.io and library/. */
export function imageKey(b: Pick<BaseRef, 'registry' | 'repo'>): string {
  const reg =
    b.registry && !/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(b.registry) ? b.registry : ''
  const repo = reg ? b.repo : b.repo.replace(/^library\//, '')
  return reg ? `${reg}/${repo}` : repo
}

/** Repositories that are deprecated upstream, with what replaced them. */
export function deprecation(b: BaseRef): string | undefined {
  const key = imageKey(b)
  if (key === 'openjdk')
    return 'the openjdk image is deprecated and no longer updated; use eclipse-temurin (or another OpenJDK build)'
  if (key === 'centos')
    return 'CentOS images are deprecated and CentOS Linux reached end of life; use rockylinux, almalinux or a Debian-based image'
  if (/^mcr\.microsoft\.com\/dotnet\/core\//.test(key) || /^microsoft\/(dotnet|aspnetcore)/.test(key))
    return 'this .NET repository was retired; use mcr.microsoft.com/dotnet/aspnet (or runtime, sdk)'
  return undefined
}

export interface BaseDefaults {
  exposes?: number[]
  env?: Record<string, string>
  /** The image's own start command runs a server in the foreground. */
  server?: boolean
  /** The image's default command is a shell or a REPL (the container would exit at once). */
  noServer?: boolean
  entrypoint?: string[]
  nonRoot?: boolean
  /** Logs of the image's server already go to stdout/stderr. */
  stdoutLogs?: boolean
  dotnetVersion?: number
}

const NO_SERVER =
  /^(node|python|pypy|ruby|golang|debian|ubuntu|alpine|busybox|eclipse-temurin|openjdk|amazoncorretto|rockylinux|almalinux|fedora|centos|scratch|mcr\.microsoft\.com\/dotnet\/(aspnet|runtime|runtime-deps|sdk)|mcr\.microsoft\.com\/openjdk\/jdk|gcr\.io\/distroless\/(static|base|cc)[-a-z0-9]*)$/

/** What a well-known base image already configures. */
export function baseDefaults(b: BaseRef): BaseDefaults {
  const key = imageKey(b)
  const tag = (b.tag ?? '').toLowerCase()
  const d: BaseDefaults = {}
  if (key === 'nginx') Object.assign(d, {exposes: [80], server: true, stdoutLogs: true})
  else if (key === 'nginxinc/nginx-unprivileged')
    Object.assign(d, {exposes: [8080], server: true, stdoutLogs: true, nonRoot: true})
  else if (key === 'httpd') Object.assign(d, {exposes: [80], server: true, stdoutLogs: true})
  else if (key === 'tomcat') Object.assign(d, {exposes: [8080], server: true})
  else if (key === 'caddy') Object.assign(d, {exposes: [80, 443, 2019], server: true, stdoutLogs: true})
  else if (key === 'php' && tag.includes('apache')) Object.assign(d, {exposes: [80], server: true, stdoutLogs: true})
  else if (key === 'php' && tag.includes('fpm')) Object.assign(d, {exposes: [9000], server: true})
  else if (NO_SERVER.test(key) || (key === 'php' && !tag.includes('apache'))) d.noServer = true
  const dotnet = /^mcr\.microsoft\.com\/dotnet\/(core\/)?(aspnet|runtime|runtime-deps|sdk)$/.test(key)
    ? /^(\d+)\./.exec(tag)
    : null
  if (dotnet) {
    d.dotnetVersion = Number(dotnet[1])
    d.env = d.dotnetVersion >= 8 ? {ASPNETCORE_HTTP_PORTS: '8080'} : {ASPNETCORE_URLS: 'http://+:80'}
    if (/chiseled|distroless|extra/.test(tag)) d.nonRoot = true
  }
  if (/^gcr\.io\/distroless\//.test(key)) {
    if (tag.includes('nonroot')) d.nonRoot = true
    if (/nodejs/.test(key)) d.entrypoint = ['/nodejs/bin/node']
    else if (/python3/.test(key)) d.entrypoint = ['/usr/bin/python3']
    else if (/java/.test(key)) d.entrypoint = ['/usr/bin/java', '-jar']
  }
  if (/^cgr\.dev\/chainguard\//.test(key)) d.nonRoot = true
  return d
}
