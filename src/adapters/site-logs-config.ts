/**
 * The site's diagnostic logs config (`GET|PUT .../sites/{app}/config/logs`, `webApps.getDiagnosticLogsConfiguration`
 * / `updateDiagnosticLogsConfig` in @azure/arm-appservice 19). For Linux containers `httpLogs.fileSystem` is the
 * switch that makes App Service keep the container's stdout/stderr in /home/LogFiles (what
 * `az webapp log config --docker-container-logging filesystem` sets). The PUT replaces the whole config, so it is
 * read just before and written back with only `httpLogs.fileSystem` changed.
 */
import type {TokenCredential} from '@azure/core-auth'
import type {ContainerLogging, SiteLogsConfigPort} from '../ports.js'
import {isNotFound, toAzdeployError} from './arm-errors.js'
import {type ArmTarget, armClientOptions, type Debug} from './arm-pipeline.js'

type WebClient = import('@azure/arm-appservice').WebSiteManagementClient

export interface SiteLogsConfigOptions {
  credential: TokenCredential
  subscriptionId: string
  target: ArmTarget
  debug: Debug
  env: Record<string, string | undefined>
  signal: AbortSignal
}

export function createSiteLogsConfigAdapter(o: SiteLogsConfigOptions): SiteLogsConfigPort {
  let web: Promise<WebClient> | undefined
  const client = () => {
    web ??= import('@azure/arm-appservice').then(
      (m) => new m.WebSiteManagementClient(o.credential, o.subscriptionId, armClientOptions(o.target, o.debug, o.env)),
    )
    return web
  }
  const call = {abortSignal: o.signal}
  const read = async (group: string, name: string) =>
    (await client()).webApps.getDiagnosticLogsConfiguration(group, name, call)

  return {
    async getContainerLogging(group, name) {
      try {
        const fs = (await read(group, name)).httpLogs?.fileSystem
        const out: ContainerLogging = {enabled: fs?.enabled === true}
        if (typeof fs?.retentionInMb === 'number') out.retentionInMb = fs.retentionInMb
        if (typeof fs?.retentionInDays === 'number') out.retentionInDays = fs.retentionInDays
        return out
      } catch (e) {
        if (isNotFound(e)) return null
        throw toAzdeployError(e, `read the logging settings of ${name}`)
      }
    },
    async enableContainerLogging(group, name, retention) {
      try {
        const current = await read(group, name)
        await (await client()).webApps.updateDiagnosticLogsConfig(
          group,
          name,
          {
            ...current,
            httpLogs: {
              ...current.httpLogs,
              fileSystem: {enabled: true, ...retention},
            },
          },
          call,
        )
      } catch (e) {
        throw toAzdeployError(e, `turn on container logging for ${name}`)
      }
    },
  }
}
