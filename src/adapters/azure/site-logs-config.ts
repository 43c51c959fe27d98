import {type SiteRef, siteLabel} from '../../core/site-ref.js'
import type {ContainerLogging, SiteLogsConfigPort} from '../../ports/index.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import {type ArmAdapterOptions, armClientOptions} from './arm-pipeline.js'

type WebClient = import('@azure/arm-appservice').WebSiteManagementClient

export type SiteLogsConfigOptions = ArmAdapterOptions

export function createSiteLogsConfigAdapter(o: SiteLogsConfigOptions): SiteLogsConfigPort {
  let web: Promise<WebClient> | undefined
  const client = () => {
    web ??= import('@azure/arm-appservice').then(
      (m) =>
        new m.WebSiteManagementClient(
          o.credential,
          o.subscriptionId,
          armClientOptions(o.target, o.debug, o.env, o.signal),
        ),
    )
    return web
  }
  const call = {abortSignal: o.signal}
  const read = async (r: SiteRef) =>
    r.slot
      ? (await client()).webApps.getDiagnosticLogsConfigurationSlot(r.resourceGroup, r.site, r.slot, call)
      : (await client()).webApps.getDiagnosticLogsConfiguration(r.resourceGroup, r.site, call)

  return {
    async getContainerLogging(r) {
      try {
        const fs = (await read(r)).httpLogs?.fileSystem
        const out: ContainerLogging = {enabled: fs?.enabled === true}
        if (typeof fs?.retentionInMb === 'number') out.retentionInMb = fs.retentionInMb
        if (typeof fs?.retentionInDays === 'number') out.retentionInDays = fs.retentionInDays
        return out
      } catch (e) {
        if (isNotFound(e)) return null
        throw toAzdeployError(e, `read the logging settings of ${siteLabel(r)}`)
      }
    },
    async enableContainerLogging(r, retention) {
      try {
        const current = await read(r)
        const body = {...current, httpLogs: {...current.httpLogs, fileSystem: {enabled: true, ...retention}}}
        const web = (await client()).webApps
        await (r.slot
          ? web.updateDiagnosticLogsConfigSlot(r.resourceGroup, r.site, r.slot, body, call)
          : web.updateDiagnosticLogsConfig(r.resourceGroup, r.site, body, call))
      } catch (e) {
        throw toAzdeployError(e, `turn on container logging for ${siteLabel(r)}`)
      }
    },
  }
}
