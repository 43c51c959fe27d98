/**
 * The URL of a path on the app: always on the app's own host. A health-check path read from Azure is text anyone
 * with write access set; concatenated, `@evil.example/x` would send the probe (and nothing else) to another host.
 */
export function appUrl(base: string, path: string | undefined): string {
  const url = new URL(base)
  const p = path && path.length > 0 ? path : '/'
  const [pathname = '/', query] = p.split('?', 2)
  url.pathname = pathname.startsWith('/') ? pathname : `/${pathname}`
  url.search = query ? `?${query}` : ''
  url.hash = ''
  return url.toString()
}
