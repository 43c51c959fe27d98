/**
 * Sovereign clouds: where ARM lives, which audience its tokens carry, where Entra ID signs people in.
 * Pure: the environment is passed in, nothing is read from process.env here.
 *
 * Token scope decisions:
 * - The ARM scope is `<ARM endpoint>/.default`, the same default every Azure SDK management client uses
 *   (`${endpoint}/.default`). ARM also accepts the Azure CLI's `management.core.*` audience, but the SDK form is the
 *   one the SDK's own clients would request, so a single cached token serves them all.
 * - `AZURE_RESOURCE_MANAGER_ENDPOINT` replaces the endpoint only. The scope stays the cloud's: the token audience is
 *   a property of the Entra ID cloud that issues it, not of the URL the request goes to. An emulator at
 *   `https://127.0.0.1:8443` has no Entra ID app registration, so `https://127.0.0.1:8443/.default` could never be
 *   issued; a reverse proxy or private link in front of ARM still expects the public audience.
 * - The ACR audience matches `@azure/container-registry`'s `audience` option (no `/.default`): the registry's own
 *   audience in the public cloud, the ARM audience (`KnownContainerRegistryAudience`) in China and US Government.
 */
import {shown} from './display.js'
import {InputError} from './errors.js'

export const CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const
export type CloudName = (typeof CLOUD_NAMES)[number]

export interface CloudInfo {
  name: CloudName
  /** ARM base URL, no trailing slash. */
  armEndpoint: string
  /** Scope to request ARM tokens with, e.g. `https://management.azure.com/.default`. */
  armScope: string
  /** Entra ID authority host, no trailing slash. */
  authorityHost: string
  /** Registry login server suffix without the leading dot, e.g. `azurecr.io`. */
  acrSuffix: string
  /** Audience for registry data-plane tokens, as `@azure/container-registry` takes it (no `/.default`). */
  acrAudience: string
  /** Scope to request registry data-plane tokens with (`<acrAudience>/.default`). */
  acrScope: string
  /** Suffix of App Service default host names, e.g. `azurewebsites.net`. */
  appServiceDomain: string
  /** True when `AZURE_RESOURCE_MANAGER_ENDPOINT` replaced the cloud's ARM endpoint. */
  customArmEndpoint: boolean
}

type CloudTemplate = Omit<CloudInfo, 'name' | 'armScope' | 'acrScope' | 'customArmEndpoint'>

const CLOUDS: Record<CloudName, CloudTemplate> = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    acrSuffix: 'azurecr.io',
    acrAudience: 'https://containerregistry.azure.net',
    appServiceDomain: 'azurewebsites.net',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    acrSuffix: 'azurecr.cn',
    acrAudience: 'https://management.chinacloudapi.cn',
    appServiceDomain: 'chinacloudsites.cn',
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    acrSuffix: 'azurecr.us',
    acrAudience: 'https://management.usgovcloudapi.net',
    appServiceDomain: 'azurewebsites.us',
  },
}

/** `name` is matched case-insensitively; undefined or empty means AzureCloud. */
export function resolveCloud(name: string | undefined, env: Record<string, string | undefined>): CloudInfo {
  const wanted = (name ?? '').trim()
  const cloudName: CloudName | undefined =
    wanted === '' ? 'AzureCloud' : CLOUD_NAMES.find((n) => n.toLowerCase() === wanted.toLowerCase())
  if (!cloudName) {
    throw new InputError(
      'INVALID_CLOUD',
      `Unknown cloud "${shown(wanted)}"; azdeploy knows ${CLOUD_NAMES.join(', ')}`,
      `Pass --cloud ${CLOUD_NAMES.join('|')}, or set AZURE_RESOURCE_MANAGER_ENDPOINT for a custom cloud`,
    )
  }
  const template = CLOUDS[cloudName]
  const armScope = `${template.armEndpoint}/.default`
  const override = env['AZURE_RESOURCE_MANAGER_ENDPOINT']?.trim()
  const armEndpoint = override ? parseHttpsUrl(override, 'AZURE_RESOURCE_MANAGER_ENDPOINT') : template.armEndpoint
  const authority = env['AZURE_AUTHORITY_HOST']?.trim()
  return {
    name: cloudName,
    ...template,
    armEndpoint,
    authorityHost: authority ? parseHttpsUrl(authority, 'AZURE_AUTHORITY_HOST') : template.authorityHost,
    armScope,
    acrScope: `${template.acrAudience}/.default`,
    customArmEndpoint: Boolean(override),
  }
}

function parseHttpsUrl(value: string, variable: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  const hasUserInfo = Boolean(url?.username || url?.password)
  if (url?.protocol !== 'https:' || url.search || url.hash || hasUserInfo) {
    throw new InputError(
      variable === 'AZURE_AUTHORITY_HOST' ? 'INVALID_AUTHORITY_HOST' : 'INVALID_ARM_ENDPOINT',
      hasUserInfo
        ? `${variable} must not carry a user name or password`
        : `${variable} "${shown(value)}" is not an https URL`,
      `Set ${variable} to an https:// URL such as https://management.local:8443 (no query), or unset it`,
    )
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}
