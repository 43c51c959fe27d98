/**
 * Entra ID authority hosts MSAL knows by itself (its built-in cloud discovery metadata). Any other host (an
 * AZURE_AUTHORITY_HOST of a private or test cloud) must be trusted explicitly — MSAL `knownAuthorities`,
 * @azure/identity `disableInstanceDiscovery` — or MSAL first asks login.microsoftonline.com about it
 * ("instance discovery"), which a private cloud cannot answer and a test must never reach.
 */
const MICROSOFT_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
])

/** True for an authority host outside the Microsoft clouds MSAL knows (instance discovery must be off). */
export function isCustomAuthorityHost(authorityHost: string): boolean {
  let host: string
  try {
    host = new URL(authorityHost).host.toLowerCase()
  } catch {
    return true
  }
  return !MICROSOFT_HOSTS.has(host)
}

/** `host[:port]` of an authority URL, as MSAL's `knownAuthorities` takes it. */
export function authorityHostName(authorityHost: string): string {
  return new URL(authorityHost).host
}
