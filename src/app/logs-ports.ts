/** The ports `azdeploy logs` needs, from an Azure context and the deploy ports it already has. */

import {createKuduAdapter, kuduScope} from '../adapters/azure/kudu.js'
import {createSiteLogsConfigAdapter} from '../adapters/azure/site-logs-config.js'
import type {Reporter} from '../output/reporter.js'
import type {LogsPorts} from '../services/logs.js'
import type {AzurePorts} from './azure-ports.js'
import type {AzureContext} from './session.js'

export function createLogsPorts(
  ctx: AzureContext,
  ports: Pick<AzurePorts, 'app' | 'clock'>,
  app: string,
  reporter: Reporter,
  signal: AbortSignal,
  env: Record<string, string | undefined>,
): LogsPorts {
  const debug = (m: string) => reporter.debug(m)
  const scope = kuduScope(ctx.cloud)
  return {
    app: ports.app,
    clock: ports.clock,
    logsConfig: createSiteLogsConfigAdapter({
      credential: ctx.credential,
      subscriptionId: ctx.subscriptionId,
      target: {
        armEndpoint: ctx.cloud.armEndpoint,
        armScope: ctx.cloud.armScope,
        appServiceDomain: ctx.cloud.appServiceDomain,
      },
      debug,
      env,
      signal,
    }),
    kudu: (host) => createKuduAdapter({host, app, credential: ctx.credential, scope, signal, debug}),
  }
}
