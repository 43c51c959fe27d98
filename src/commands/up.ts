import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Flags} from '../cli/oclif.js'
import {resolveDeployConfig} from '../core/config.js'
import {ExitCode} from '../core/errors.js'
import {Secret} from '../core/secret.js'
import type {DeployOutcome} from '../services/deploy.js'
import type {LocalRunOutcome} from '../services/local-run.js'

export default class Up extends AzdeployCommand<typeof Up> {
  static override summary = 'Deploy a container image to an App Service Linux web app and wait until it serves.'
  static override description =
    `Creates or updates the resource group, the Linux App Service plan and the web app so they match what you ask for, then waits until the new container answers. The image is resolved in its registry first and deployed pinned by digest. Only differences are written: an identical second run changes nothing.

Settings come from flags, then AZDEPLOY_* environment variables (AZDEPLOY_APP, AZDEPLOY_RESOURCE_GROUP, AZDEPLOY_IMAGE, …), then azdeploy.yml, then defaults.

Images in an Azure Container Registry of the subscription are pulled by the app with a user-assigned managed identity holding AcrPull; other private registries take --registry-username and the password from AZDEPLOY_REGISTRY_PASSWORD or --registry-password-stdin.`

  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected, ExitCode.Unhealthy, ExitCode.StillRunning)
  static override examples = [
    '<%= config.bin %> up --app shop-api -g shop-rg -l westeurope --image myregistry.azurecr.io/shop-api:1.4.2',
    '<%= config.bin %> up --app shop-api --image ghcr.io/acme/shop-api:1.4.2 --port 8080 --env LOG_LEVEL=info --env DATABASE_URL',
    '<%= config.bin %> up --dry-run --json',
    '<%= config.bin %> up --local --image shop-api:dev --port 8000 --env LOG_LEVEL=debug',
    'AZDEPLOY_REGISTRY_PASSWORD=$TOKEN <%= config.bin %> up --app api --image registry.example.com/api:2 --registry-username deploy',
  ]

  static override flags = {
    app: Flags.string({char: 'a', summary: 'Web app name (global: it becomes <app>.azurewebsites.net).'}),
    'resource-group': Flags.string({char: 'g', summary: 'Resource group. [default: <app>-rg]'}),
    location: Flags.string({char: 'l', summary: 'Azure region for new resources, e.g. westeurope.'}),
    plan: Flags.string({summary: "App Service plan name. [default: the app's plan, else <app>-plan]"}),
    sku: Flags.string({summary: 'Plan SKU (Linux): F1, B1-B3, S1-S3, P0v3-P3v3, … [default: B1]'}),
    instances: Flags.integer({summary: 'Number of plan instances. [default: 1]'}),
    image: Flags.string({summary: 'Image to deploy: REGISTRY/REPOSITORY[:TAG][@DIGEST].'}),
    port: Flags.string({summary: "Port the container listens on (WEBSITES_PORT). [default: the image's EXPOSE]"}),
    env: Flags.string({
      summary: 'App setting NAME=VALUE, or NAME to take the value from your environment. Repeatable.',
      multiple: true,
    }),
    'health-path': Flags.string({
      summary: 'Path that must answer 2xx/3xx, e.g. /healthz (also set as App Service health check).',
    }),
    timeout: Flags.integer({summary: 'Seconds to wait for the new container to serve. [default: 300]'}),
    'no-wait': Flags.boolean({summary: 'Do not wait for the new container to serve.'}),
    'dry-run': Flags.boolean({summary: 'Print the plan and change nothing.'}),
    force: Flags.boolean({summary: "Deploy even when doctor's error-level checks fail."}),
    yes: Flags.boolean({char: 'y', summary: 'Answer yes to confirmations (needed without a TTY).'}),
    config: Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'}),
    'registry-username': Flags.string({
      summary: 'User for a private non-ACR registry (password: AZDEPLOY_REGISTRY_PASSWORD).',
    }),
    'registry-password-stdin': Flags.boolean({summary: 'Read the registry password from stdin.'}),
    'registry-auth': Flags.string({
      summary: 'How the app pulls from ACR: auto (managed identity) or admin. [default: auto]',
    }),
    subscription: Flags.string({
      char: 's',
      summary: 'Subscription id or name. [default: AZURE_SUBSCRIPTION_ID, az default]',
    }),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment. [default: AzureCloud]'}),
    registry: Flags.string({
      summary: 'Without --image: build ./Dockerfile (or --from) and push to this ACR; created with --yes if missing.',
    }),
    from: Flags.string({
      summary: 'Without --image: push this local image: oci:DIR, oci-archive:PATH, docker-archive:PATH.',
    }),
    dockerfile: Flags.string({summary: 'Without --image: Dockerfile to build. [default: <context>/Dockerfile]'}),
    context: Flags.string({summary: 'Without --image: build context. [default: .]'}),
    'build-arg': Flags.string({
      summary: 'Build argument NAME=VALUE or NAME (from your environment). Repeatable.',
      multiple: true,
    }),
    target: Flags.string({summary: 'Build stage to stop at.'}),
    local: Flags.boolean({
      summary: 'Run the image with the local Docker engine the way App Service does (no Azure account needed).',
      helpGroup: 'LOCAL',
    }),
    detach: Flags.boolean({
      summary: 'With --local: leave the container running once it answers (stop it with `down --local`).',
      dependsOn: ['local'],
      helpGroup: 'LOCAL',
    }),
    'local-port': Flags.integer({
      summary: 'With --local: port on 127.0.0.1 for the app. [default: a free one]',
      dependsOn: ['local'],
      min: 1,
      max: 65535,
      helpGroup: 'LOCAL',
    }),
  }

  async run(): Promise<DeployOutcome | LocalRunOutcome> {
    const f = this.flags
    if (f.local) {
      const {upLocal} = await import('../app/local.js')
      const ctx = {
        cwd: process.cwd(),
        env: process.env,
        signal: this.abort.signal,
        reporter: this.reporter,
        cleanup: this.exitCleanup,
      }
      return upLocal({...f, 'resource-group': f['resource-group'], 'health-path': f['health-path']}, ctx)
    }
    const {readConfigFile, readStdinSecret} = await import('../adapters/system/config-file.js')
    const {file} = await readConfigFile(f.config, process.cwd())
    const config = resolveDeployConfig(
      {...f, env: f.env, 'resource-group': f['resource-group'], 'health-path': f['health-path']},
      process.env,
      file,
    )
    const password = f['registry-password-stdin']
      ? new Secret(await readStdinSecret())
      : process.env['AZDEPLOY_REGISTRY_PASSWORD']
        ? new Secret(process.env['AZDEPLOY_REGISTRY_PASSWORD'])
        : undefined
    const {createAzurePorts, preloadArmSdks} = await import('../app/azure-ports.js')
    let preload: Promise<unknown> = Promise.resolve()
    const {createAzureContext} = await import('../app/session.js')
    const ctx = await createAzureContext({
      cloud: config.cloud,
      subscription: config.subscription,
      env: process.env,
      whileSigningIn: () => {
        preload = preloadArmSdks()
      },
    })
    if (!config.image) {
      const {imageFromSource} = await import('../services/source-image.js')
      const {azureForPush} = await import('../app/push-azure.js')
      config.image = await imageFromSource(
        {
          config,
          force: f.force,
          yes: f.yes,
          ...(f.from ? {from: f.from} : {}),
          ...(f.dockerfile ? {dockerfile: f.dockerfile} : {}),
          ...(f.context ? {context: f.context} : {}),
          ...(f['build-arg'] ? {buildArgs: f['build-arg']} : {}),
          ...(f.target ? {target: f.target} : {}),
          cwd: process.cwd(),
          signal: this.abort.signal,
          confirm: (q) => this.confirm(q, f.yes),
        },
        {azure: async () => azureForPush(ctx, this.reporter, this.abort.signal)},
        this.reporter,
      )
    }
    await preload
    const {deploy} = await import('../services/deploy.js')
    const outcome = await deploy(
      {
        config,
        subscriptionId: ctx.subscriptionId,
        ...(password ? {registryPassword: password} : {}),
        dryRun: f['dry-run'],
        wait: !f['no-wait'],
        signal: this.abort.signal,
        env: process.env,
        pollIntervalMs: Number(process.env['AZDEPLOY_POLL_INTERVAL_MS'] ?? 250),
        force: f.force,
      },
      createAzurePorts(ctx, this.reporter, this.abort.signal, process.env),
      this.reporter,
    )
    this.reporter.result(summarize(outcome))
    return outcome
  }
}

function summarize(o: DeployOutcome): string[] {
  const lines: string[] = []
  if (o.dryRun)
    lines.push(`Dry run: ${o.changes.length} change${o.changes.length === 1 ? '' : 's'} planned, nothing written.`)
  else if (!o.changed) lines.push(`No changes: ${o.app} already runs ${o.image} (${o.digest}).`)
  else lines.push(`Deployed ${o.image} (${o.digest}) to ${o.app}.`)
  if (o.url) lines.push(`URL: ${o.url}`)
  if (o.health === 'serving') lines.push('The new container is serving.')
  if (o.health === 'not-checked' && !o.dryRun && o.changed)
    lines.push('Not waited for the container (see `azdeploy status`).')
  return lines
}
