import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Flags} from '../cli/oclif.js'
import {ExitCode} from '../core/errors.js'
import {Secret} from '../core/secret.js'
import type {PushOutcome} from '../services/push.js'

export default class Push extends AzdeployCommand<typeof Push> {
  static override summary =
    'Build a container image for linux/amd64 (or take a local OCI image) and push it to a registry.'
  static override description =
    `Builds with the local Docker engine (--dockerfile, --context, --build-arg, --target; always --platform linux/amd64), or takes --from oci:DIR / oci-archive:PATH / docker-archive:PATH, and uploads it with the registry's distribution API: blobs the registry already has are skipped, layers go up in parallel and in chunks with per-chunk retry.

The destination is --image REGISTRY/REPOSITORY[:TAG], or --registry NAME (an Azure Container Registry of the subscription) with the app's name as repository. Without a tag the image is tagged with the git short SHA (plus -dirty), else a UTC timestamp; never only latest.

ACR is signed in to with your Azure identity (it needs AcrPush on the registry); other registries take --registry-username and the password from AZDEPLOY_REGISTRY_PASSWORD or --registry-password-stdin.`

  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = [
    '<%= config.bin %> push --registry myregistry --app shop-api',
    '<%= config.bin %> push --image myregistry.azurecr.io/shop-api:1.4.2 --build-arg NODE_ENV=production',
    '<%= config.bin %> push --from oci:./build/image --image registry.example.com/api --registry-username ci --json',
  ]

  static override flags = {
    image: Flags.string({summary: 'Where to push: REGISTRY/REPOSITORY[:TAG]. [default tag: git short SHA]'}),
    registry: Flags.string({summary: 'Azure Container Registry name; the repository is --app.'}),
    app: Flags.string({char: 'a', summary: 'App name, used as repository with --registry.'}),
    from: Flags.string({
      summary: 'Push a local image instead of building: oci:DIR[:REF], oci-archive:PATH, docker-archive:PATH.',
    }),
    dockerfile: Flags.string({summary: 'Dockerfile to build. [default: <context>/Dockerfile]'}),
    context: Flags.string({summary: 'Build context directory. [default: .]'}),
    'build-arg': Flags.string({
      summary: 'Build argument NAME=VALUE (or NAME to take it from your environment). Repeatable.',
      multiple: true,
    }),
    target: Flags.string({summary: 'Build stage to stop at.'}),
    'registry-username': Flags.string({summary: 'User for a non-ACR registry (password: AZDEPLOY_REGISTRY_PASSWORD).'}),
    'registry-password-stdin': Flags.boolean({summary: 'Read the registry password from stdin.'}),
    concurrency: Flags.integer({summary: 'Layers uploaded at once. [default: 4]', min: 1, max: 16}),
    subscription: Flags.string({
      char: 's',
      summary: 'Subscription id or name (for --registry). [default: AZURE_SUBSCRIPTION_ID, az default]',
    }),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment. [default: AzureCloud]'}),
    'resource-group': Flags.string({char: 'g', summary: 'Resource group for a registry that must be created.'}),
    location: Flags.string({char: 'l', summary: 'Region for a registry that must be created.'}),
    yes: Flags.boolean({char: 'y', summary: 'Create a missing --registry without asking (required without a TTY).'}),
  }

  async run(): Promise<PushOutcome> {
    const f = this.flags
    const {readStdinSecret} = await import('../adapters/system/config-file.js')
    const envPassword = process.env['AZDEPLOY_REGISTRY_PASSWORD']
    const password = f['registry-password-stdin']
      ? new Secret(await readStdinSecret())
      : envPassword
        ? new Secret(envPassword)
        : undefined
    const {push} = await import('../services/push.js')
    const azure = async () => {
      const {createAzureContext} = await import('../app/session.js')
      const ctx = await createAzureContext({cloud: f.cloud, subscription: f.subscription, env: process.env})
      const {azureForPush} = await import('../app/push-azure.js')
      return azureForPush(ctx, this.reporter, this.abort.signal)
    }
    const outcome = await push(
      {
        ...(f.image ? {image: f.image} : {}),
        ...(f.registry ? {registry: f.registry} : {}),
        ...(f.app ? {app: f.app} : {}),
        ...(f.from ? {from: f.from} : {}),
        ...(f.dockerfile ? {dockerfile: f.dockerfile} : {}),
        ...(f.context ? {context: f.context} : {}),
        ...(f['build-arg'] ? {buildArgs: f['build-arg']} : {}),
        ...(f.target ? {target: f.target} : {}),
        ...(f['registry-username'] ? {username: f['registry-username']} : {}),
        ...(password ? {password} : {}),
        ...(f.concurrency ? {concurrency: f.concurrency} : {}),
        cwd: process.cwd(),
        now: new Date(),
        signal: this.abort.signal,
        createRegistry: {
          ...(f['resource-group'] ? {resourceGroup: f['resource-group']} : {}),
          ...(f.location ? {location: f.location.replace(/\s+/g, '').toLowerCase()} : {}),
          consent: () =>
            this.confirm(`Create Azure Container Registry ${f.registry} (Basic SKU, admin user off)?`, f.yes),
        },
      },
      {azure},
      this.reporter,
    )
    this.reporter.result([
      `Pushed ${outcome.image} (${outcome.digest}): ${outcome.uploadedBlobs} blob(s) uploaded, ${outcome.skippedBlobs} already there.`,
    ])
    return outcome
  }
}
