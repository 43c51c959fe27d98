import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {cloudFlag, configFileFlag, registryUsernameFlag, subscriptionFlag} from '../cli/flags.js'
import {Args, Flags} from '../cli/oclif.js'
import {AzdeployError, ExitCode} from '../core/errors.js'
import {RULES} from '../doctor/index.js'
import type {DiagnoseOutcome} from '../services/diagnose.js'

const RULE_TABLE = RULES.map((r) => `  ${r.id.padEnd(30)}${r.severity.padEnd(9)}${r.summary}`).join('\n')

export default class Doctor extends AzdeployCommand<typeof Doctor> {
  static override summary = "Check a Dockerfile (and/or the image) for what makes App Service's HTTP pings fail."
  static override description =
    `Finds, before a deploy, what makes "container didn't respond to HTTP pings": a wrong or missing port, a server bound to 127.0.0.1, a start command that daemonizes or backgrounds, a development server, logs written to files, end-of-life or unpinned base images, and image hygiene (caches, ADD, root, secrets, .dockerignore).

PATH is a Dockerfile or a directory holding one [default: .]. With --image (or image in azdeploy.yml) the image's config is read from its registry too: its platforms, exposed ports, user, environment and start command. The configured port is --port, AZDEPLOY_PORT or port in azdeploy.yml.

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
    config: configFileFlag(),
    'registry-username': registryUsernameFlag(),
    subscription: subscriptionFlag('Subscription of an ACR registry (for --image).'),
    cloud: cloudFlag('AzureCloud, AzureChinaCloud or AzureUSGovernment (for an ACR --image).'),
  }

  async run(): Promise<DiagnoseOutcome> {
    const f = this.flags
    const {runDoctor} = await import('../app/diagnose.js')
    const outcome = await runDoctor(
      {
        path: this.args.path,
        image: f.image,
        port: f.port,
        config: f.config,
        registryUsername: f['registry-username'],
        subscription: f.subscription,
        cloud: f.cloud,
      },
      {cwd: process.cwd(), env: process.env, signal: this.abort.signal, reporter: this.reporter},
    )
    const {formatFindings, useColor} = await import('../doctor/index.js')
    const color = useColor({mode: this.reporter.mode, stdoutIsTTY: process.stdout.isTTY === true, env: process.env})
    for (const n of outcome.notices ?? []) this.reporter.warn(n)
    const label = outcome.dockerfile ?? outcome.image ?? 'image'
    this.reporter.result([formatFindings(outcome.findings, {file: label, color}).trimEnd()])
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
}
