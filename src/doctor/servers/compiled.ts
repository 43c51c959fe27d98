/** .NET, Java, Go and PHP: ASP.NET Core URLs and ports, Spring Boot server.port, Go listen flags, builds at start. */
import {type Listen, parseHostPort, parsePort, parseUrls} from '../address.js'
import {type Env, type Handler, hasFlag, hostAndPort, last, optValues, type Server, type ServerCtx} from './common.js'

function aspnet(s: Server, args: string[], env: Env, ctx: ServerCtx): void {
  s.kind = 'server'
  s.name = `dotnet ${args[0]}`
  const urls = last(optValues(args.slice(1), ['--urls']))
  const envUrls = env('ASPNETCORE_URLS') ?? env('DOTNET_URLS')
  const httpPorts = env('ASPNETCORE_HTTP_PORTS') ?? env('DOTNET_HTTP_PORTS') ?? env('HTTP_PORTS')
  if (urls !== undefined) s.listens.push(...parseUrls(urls, '--urls'))
  else if (envUrls !== undefined && envUrls !== '') s.listens.push(...parseUrls(envUrls, 'ASPNETCORE_URLS'))
  else if (httpPorts !== undefined && httpPorts !== '') {
    for (const p of httpPorts.split(/[;,]/))
      s.listens.push({host: '+', source: 'ASPNETCORE_HTTP_PORTS', raw: p, ...parsePort(p)})
  } else if (ctx.dotnetVersion !== undefined) {
    const port = ctx.dotnetVersion >= 8 ? 8080 : 80
    s.listens.push({
      host: '+',
      port,
      portDefault: true,
      source: `the .NET ${ctx.dotnetVersion} image's default`,
      raw: '',
    })
  }
}

function java(s: Server, args: string[], env: Env): void {
  const opts = [...args, ...`${env('JAVA_OPTS') ?? ''} ${env('JAVA_TOOL_OPTIONS') ?? ''}`.split(/\s+/).filter(Boolean)]
  const jar = last(optValues(args, ['-jar'])) ?? ''
  const spring =
    /spring|boot/i.test(jar) ||
    args.some((a) => a.startsWith('org.springframework.boot.loader')) ||
    opts.some((a) => /^-Dspring\.|^--spring\.|^-Dserver\.port|^--server\.port/.test(a)) ||
    env('SERVER_PORT') !== undefined ||
    env('SPRING_PROFILES_ACTIVE') !== undefined
  const prop = (name: string): string | undefined =>
    last(optValues(opts, [`-D${name}`, `--${name}`])) ?? env(name.toUpperCase().replace(/\./g, '_'))
  const port = prop('server.port')
  const host = prop('server.address')
  if (!spring && port === undefined && host === undefined) return
  s.kind = 'server'
  s.name = spring ? 'Spring Boot' : 'java'
  const l: Listen = {
    source: 'server.port',
    raw: [host, port].filter(Boolean).join(':'),
    hint: '-Dserver.address=0.0.0.0',
  }
  if (host !== undefined) l.host = host
  else {
    l.host = '0.0.0.0'
    l.hostDefault = true
  }
  if (port !== undefined) Object.assign(l, parsePort(port))
  else {
    l.port = 8080
    l.portDefault = true
  }
  s.listens.push(l)
}

/** Listen flags of Go programs (and other binaries): `-addr :8080`, `--listen=0.0.0.0:80`, `-port 8080`. */
export function goFlags(s: Server, args: string[]): void {
  const addr = last(optValues(args, ['-addr', '--addr', '-listen', '--listen', '-http', '--http', '-bind', '--bind']))
  const port = last(optValues(args, ['-port', '--port']))
  if (addr !== undefined) s.listens.push(parseHostPort(addr, 'the -addr flag'))
  else if (port !== undefined)
    s.listens.push({source: 'the -port flag', raw: port, host: '0.0.0.0', hostDefault: true, ...parsePort(port)})
}

export const compiled: Handler = (s, b, args, env, ctx) => {
  const a0 = args[0] ?? ''
  if (b === 'dotnet') {
    if (a0 === 'watch')
      s.reload = {
        flag: 'dotnet watch',
        fix: 'Publish in a build stage (`dotnet publish -c Release`) and run `dotnet <App>.dll`.',
      }
    else if (a0 === 'run')
      s.buildAtStart = {
        fix: 'Publish in a build stage (`dotnet publish -c Release -o /app`) and run `dotnet <App>.dll`.',
      }
    else if (a0.endsWith('.dll')) aspnet(s, args, env, ctx)
    else s.kind = 'oneshot'
    return true
  }
  if (b === 'java') {
    java(s, args, env)
    return true
  }
  if (/^(mvn|mvnw|gradle|gradlew)$/.test(b) && args.some((a) => /spring-boot:run|bootRun|quarkus:dev|^run$/.test(a))) {
    s.buildAtStart = {fix: 'Build the jar in a build stage and run `java -jar app.jar` on a JRE image.'}
    return true
  }
  if (b === 'go' && a0 === 'run') {
    s.name = 'go run'
    s.buildAtStart = {fix: 'Compile with `go build` in a build stage and run the binary.'}
    goFlags(s, args)
    return true
  }
  if (b === 'php' && hasFlag(args, ['-S'])) {
    s.kind = 'server'
    s.name = 'php -S'
    const v = last(optValues(args, ['-S']))
    if (v) s.listens.push(parseHostPort(v, 'php -S'))
    s.dev = {fix: 'Use php:apache (apache2-foreground) or nginx with php-fpm.'}
    return true
  }
  if (b === 'php' && a0 === 'artisan' && args[1] === 'serve') {
    s.kind = 'server'
    s.name = 'artisan serve'
    s.listens.push(hostAndPort(args, env, 'artisan serve', {host: ['--host'], port: ['--port']}, '127.0.0.1', 8000))
    s.dev = {fix: 'Serve Laravel with php:apache or nginx and php-fpm.'}
    return true
  }
  return false
}
