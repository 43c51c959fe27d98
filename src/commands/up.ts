import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {buildFlags, configFileFlag, deployConfigFlags, lockWaitFlag, registryPasswordStdinFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {ExitCode} from '../core/errors.js'
import type {DeployOutcome} from '../services/deploy.js'
import type {LocalRunOutcome} from '../services/local-run.js'

export default class Up extends AzdeployCommand<typeof Up> {
  static override summary = 'Deploy a container image to an App Service Linux web app and wait until it serves.'
  static override description =
    `Creates or updates the resource group, the Linux App Service plan and the web app so they match what you ask for, then waits until the new container answers. The image is resolved in its registry first and deployed pinned by digest. Only differences are written: an identical second run changes nothing.

Settings come from flags, then AZDEPLOY_* environment variables (AZDEPLOY_APP, AZDEPLOY_RESOURCE_GROUP, AZDEPLOY_IMAGE, …), then azdeploy.yml, then defaults.

Images in an Azure Container Registry of the subscription are pulled by the app with a user-assigned managed identity holding AcrPull; other private registries take --registry-username and the password from AZDEPLOY_REGISTRY_PASSWORD or --registry-password-stdin.`

  static override exitCodes = withSignals(
    ExitCode.Auth,
    ExitCode.Rejected,
    ExitCode.Unhealthy,
    ExitCode.LockHeld,
    ExitCode.StillRunning,
    ExitCode.DockerUnavailable,
  )
  static override examples = [
    '<%= config.bin %> up --app shop-api -g shop-rg -l westeurope --image myregistry.azurecr.io/shop-api:1.4.2',
    '<%= config.bin %> up --app shop-api --image ghcr.io/acme/shop-api:1.4.2 --port 8080 --env LOG_LEVEL=info --env DATABASE_URL',
    '<%= config.bin %> up --app shop-api --image myregistry.azurecr.io/shop-api:1.4.3 --slot staging --health-path /healthz',
    '<%= config.bin %> up --dry-run --json',
    '<%= config.bin %> up --local --image shop-api:dev --port 8000 --env LOG_LEVEL=debug',
    'AZDEPLOY_REGISTRY_PASSWORD=$TOKEN <%= config.bin %> up --app api --image registry.example.com/api:2 --registry-username deploy',
  ]

  static override flags = {
    ...deployConfigFlags(),
    'no-rollback': Flags.boolean({
      summary: 'When the new container does not start, stay on it instead of rolling back to the previous release.',
    }),
    'no-wait': Flags.boolean({summary: 'Do not wait for the new container to serve.'}),
    'lock-wait': lockWaitFlag(),
    'dry-run': Flags.boolean({
      summary: "Print the plan with doctor's findings beside it; build, push and change nothing.",
    }),
    force: Flags.boolean({summary: "Deploy even when doctor's error-level checks fail."}),
    yes: Flags.boolean({char: 'y', summary: 'Answer yes to confirmations (required without a TTY).'}),
    config: configFileFlag(),
    'registry-password-stdin': registryPasswordStdinFlag(),
    ...buildFlags({
      from: 'Without --image: push this local image: oci:DIR, oci-archive:PATH, docker-archive:PATH.',
      dockerfile: 'Without --image: Dockerfile to build. [default: <context>/Dockerfile]',
      context: 'Without --image: build context. [default: .]',
    }),
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
    if (this.flags.local) {
      const {upLocal} = await import('../app/local.js')
      return upLocal(this.flags, this.io())
    }
    const {runUp} = await import('../app/deploy.js')
    const outcome = await runUp(this.flags, this.io())
    const {publishDeploy, reportOf} = await import('../app/github.js')
    await publishDeploy(reportOf(outcome), process.env) // GITHUB_OUTPUT / GITHUB_STEP_SUMMARY, when set
    this.reporter.result(summarize(outcome))
    return outcome
  }
}

function summarize(o: DeployOutcome): string[] {
  const lines: string[] = []
  if (o.dryRun)
    lines.push(`Dry run: ${o.changes.length} change${o.changes.length === 1 ? '' : 's'} planned, nothing written.`)
  else if (!o.changed) lines.push(`No changes: ${o.app} already runs ${o.image} (${o.digest}).`)
  else
    lines.push(`Deployed ${o.image} (${o.digest}) to ${o.app}${o.release !== null ? ` as release ${o.release}` : ''}.`)
  if (!o.changed && o.release !== null) lines.push(`Current release: ${o.release}`)
  if (o.url) lines.push(`URL: ${o.url}`)
  const slot = (o as DeployOutcome & {slot?: {name: string; swapped: boolean}}).slot
  if (slot?.swapped) lines.push(`Slot ${slot.name} was proven serving, then swapped into production.`)
  if (o.health === 'serving') lines.push('The new container is serving.')
  if (o.health === 'not-checked' && !o.dryRun && o.changed)
    lines.push('Not waited for the container (see `azdeploy status`).')
  return lines
}
