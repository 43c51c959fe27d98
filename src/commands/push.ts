import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {
  appFlag,
  buildFlags,
  cloudFlag,
  locationFlag,
  registryPasswordStdinFlag,
  registryUsernameFlag,
  resourceGroupFlag,
  subscriptionFlag,
} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'
import {deadlineNote} from '../core/deadline.js'
import {ExitCode} from '../core/errors.js'
import type {PushOutcome} from '../services/push.js'

export default class Push extends AzdeployCommand<typeof Push> {
  static override summary =
    'Build a container image for linux/amd64 (or take a local OCI image) and push it to a registry.'
  static override description =
    `Builds with the local Docker engine (--dockerfile, --context, --build-arg, --target; always --platform linux/amd64), or takes --from oci:DIR / oci-archive:PATH / docker-archive:PATH, and uploads it with the registry's distribution API: blobs the registry already has are skipped, layers go up in parallel and in chunks with per-chunk retry.

The destination is --image REGISTRY/REPOSITORY[:TAG], or --registry NAME (an Azure Container Registry of the subscription) with the app's name as repository. Without a tag the image is tagged with the git short SHA (plus -dirty), else a UTC timestamp; never only latest.

ACR is signed in to with your Azure identity (it needs AcrPush on the registry); other registries take --registry-username and the password from AZDEPLOY_REGISTRY_PASSWORD or --registry-password-stdin.

${deadlineNote('push')}`
  static override exitCodes = withSignals(
    ExitCode.Auth,
    ExitCode.Rejected,
    ExitCode.StillRunning,
    ExitCode.DockerUnavailable,
  )
  static override examples = [
    '<%= config.bin %> push --registry myregistry --app shop-api',
    '<%= config.bin %> push --image myregistry.azurecr.io/shop-api:1.4.2 --build-arg NODE_ENV=production',
    '<%= config.bin %> push --from oci:./build/image --image registry.example.com/api --registry-username ci --json',
  ]

  static override flags = {
    image: Flags.string({summary: 'Where to push: REGISTRY/REPOSITORY[:TAG]. [default: TAG is the git short SHA]'}),
    ...buildFlags({registry: 'Azure Container Registry name; the repository is --app.'}),
    app: appFlag('App name, used as repository with --registry.'),
    'registry-username': registryUsernameFlag(),
    'registry-password-stdin': registryPasswordStdinFlag(),
    concurrency: Flags.integer({summary: 'Layers uploaded at once. [default: 4]', min: 1, max: 16}),
    subscription: subscriptionFlag('Subscription id or name (for --registry).'),
    cloud: cloudFlag(),
    'resource-group': resourceGroupFlag('Resource group for a registry that must be created.', {noDefault: true}),
    location: locationFlag('Region for a registry that must be created.'),
    yes: Flags.boolean({char: 'y', summary: 'Create a missing --registry without asking (required without a TTY).'}),
  }

  async run(): Promise<PushOutcome> {
    const {runPush} = await import('../app/push.js')
    const outcome = await runPush(this.flags, this.io())
    this.reporter.result([
      `Pushed ${outcome.image} (${outcome.digest}): ${outcome.uploadedBlobs} blob(s) uploaded, ${outcome.skippedBlobs} already there.`,
    ])
    return outcome
  }
}
