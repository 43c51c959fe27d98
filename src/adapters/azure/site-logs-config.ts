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
