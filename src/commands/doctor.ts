import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {Args, Flags} from '../cli/oclif.js'
import {AzdeployError, ExitCode, InputError} from '../core/errors.js'
import {RULES} from '../doctor/index.js'
import type {DiagnoseOutcome} from '../services/diagnose.js'

const RULE_TABLE = RULES.map((r) => `  ${r.id.padEnd(30)}${r.severity.padEnd(9)}${r.summary}`).join('\n')

export default class Doctor extends AzdeployCommand<typeof Doctor> {
  static override summary = "Check a Dockerfile (and/or the image) for what makes App Service's HTTP pings fail."
  static override description =
    `Finds, before a deploy, what makes "container didn't respond to HTTP pings": a wrong or missing port, a server bound to 127.0.0.1, a start command that daemonizes or backgrounds, a development server, logs written to files, end-of-life or unpinned base images, and image hygiene (caches, ADD, root, secrets, .dockerignore).

PATH is a Dockerfile or a directory holding one (default: .). With --image (or image in azdeploy.yml) the image's config is read from its registry too: its platforms, exposed ports, user, environment and start command. The configured port is --port, AZDEPLOY_PORT or port in azdeploy.yml.

Exits 2 when there is an error-level finding; \`azdeploy up\` runs the same error-level checks and stops on them unless --force.

RULES
${RULE_TABLE}`

  static override exitCodes = withSignals(ExitCode.Auth, ExitCode.Rejected)
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor services/api --port 8000',
    '<%= config.bin %> doctor --image myregistry.azurecr.io/api:1.4.2 --json',
  ]

  static override args = {
    path: Args.string({description: 'Dockerfile, or the directory holding it. [default: .]'}),
  }

  static override flags = {
    image: Flags.string({summary: "Also check this image's config in its registry: REGISTRY/REPOSITORY[:TAG]."}),
    port: Flags.string({summary: 'Port App Service will ping (WEBSITES_PORT). [default: port in azdeploy.yml]'}),
    config: Flags.string({summary: 'Config file. [default: ./azdeploy.yml if present]'}),
    'registry-username': Flags.string({
      summary: 'User for a private non-ACR registry (password: AZDEPLOY_REGISTRY_PASSWORD).',
    }),
    subscription: Flags.string({char: 's', summary: 'Subscription of an ACR registry (for --image).'}),
    cloud: Flags.string({summary: 'AzureCloud, AzureChinaCloud or AzureUSGovernment (for an ACR --image).'}),
  }

  async run(): Promise<DiagnoseOutcome> {
    const f = this.flags
    const {readConfigFile} = await import('../adapters/system/config-file.js')
    const {file} = await readConfigFile(f.config, process.cwd())
    const {validatePort} = await import('../core/validate.js')
    const rawPort = f.port ?? process.env['AZDEPLOY_PORT'] ?? (file.port as number | string | undefined)
    const configuredPort = rawPort !== undefined && rawPort !== '' ? validatePort(rawPort) : undefined
    const imageRef =
      f.image ?? process.env['AZDEPLOY_IMAGE'] ?? (typeof file.image === 'string' ? file.image : undefined)
    let image: {ref: string; info: import('../doctor/index.js').ImageInfo} | undefined
    if (imageRef) {
      try {
        image = await this.reporter.stage('Read image config', () => this.inspect(imageRef, file))
      } catch (e) {
        // An image named only in the config is a bonus: check the Dockerfile anyway.
        if (f.image) throw e
        this.reporter.warn(
          `Could not read ${imageRef} from its registry (${(e as Error).message}); checking the Dockerfile only`,
        )
      }
    }
    const {diagnose} = await import('../services/diagnose.js')
    const outcome = diagnose({
      path: this.args.path ?? '.',
      cwd: process.cwd(),
      explicitPath: this.args.path !== undefined,
      ...(image ? {image} : {}),
      ...(configuredPort !== undefined ? {configuredPort} : {}),
    })
    const {formatFindings} = await import('../doctor/index.js')
    const label = outcome.dockerfile ?? outcome.image ?? 'image'
    this.reporter.result([formatFindings(outcome.findings, {file: label}).trimEnd()])
    if (outcome.counts.error > 0) {
      if (this.jsonEnabled()) {
        this.logJson(outcome)
        this.exit(ExitCode.InvalidInput)
      }
      const n = outcome.counts.error
      throw new AzdeployError(
        'DOCTOR_FINDINGS',
        ExitCode.InvalidInput,
        `${n} error-level finding${n === 1 ? '' : 's'}: App Service would most likely not get an answer from this container`,
        'Fix the errors above (each has a fix line), or deploy anyway with `azdeploy up --force`',
      )
    }
    return outcome
  }

  /** Reads the image config: anonymous, ACR with Entra ID, or basic auth for other private registries. */
  private async inspect(ref: string, file: {subscription?: unknown; cloud?: unknown}) {
    const {parseImageRef, isAcrLoginServer, formatImageRef} = await import('../core/image-ref.js')
    const parsed = parseImageRef(ref)
    const {Secret} = await import('../core/secret.js')
    type Creds = import('../ports/index.js').RegistryCredentials
    let creds: Creds = {kind: 'anonymous'}
    const user = this.flags['registry-username']
    if (user) {
      const password = process.env['AZDEPLOY_REGISTRY_PASSWORD']
      if (!password)
        throw new InputError(
          'REGISTRY_PASSWORD_REQUIRED',
          `--registry-username ${user} was given without a password`,
          'Set AZDEPLOY_REGISTRY_PASSWORD',
        )
      creds = {kind: 'basic', username: user, password: new Secret(password)}
    } else if (isAcrLoginServer(parsed.registry)) {
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
      const {ports} = await this.azure({
        subscription: this.flags.subscription ?? str(file.subscription),
        cloud: this.flags.cloud ?? str(file.cloud),
      })
      creds = {kind: 'aad', getToken: ports.acrToken}
    }
    const {OciRegistryClient} = await import('../adapters/registry/oci-registry.js')
    const inspection = await new OciRegistryClient(parsed.registry, creds, {userAgent: 'azdeploy/0.1.0'}).inspect(
      parsed,
    )
    const {imageInfoFrom} = await import('../services/diagnose.js')
    return {ref: formatImageRef(parsed), info: imageInfoFrom(inspection)}
  }
}
