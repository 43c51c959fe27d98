import type {InitOutcome} from '../app/init.js'
import {AzdeployCommand, withSignals} from '../cli/command-base.js'
import {appFlag, locationFlag, resourceGroupFlag} from '../cli/flags.js'
import {Flags} from '../cli/oclif.js'

export default class Init extends AzdeployCommand<typeof Init> {
  static override summary =
    'Write azdeploy.yml and a GitHub workflow that deploys on every push, and print what to register in Azure.'
  static override description =
    `Writes azdeploy.yml (with its schema reference, for editor completion) and .github/workflows/azdeploy.yml: on push to the default branch, permissions id-token: write and contents: read, one deploy at a time per app, the azdeploy Action signing in with the job's OIDC token. The repository and branch come from the git origin. Prints the federated credential subject(s) to add to the Entra application (AZURE_CLIENT_ID) and the role assignments it needs, as az commands; nothing is written to Azure.

Values come from the flags; in a terminal, missing ones are asked for (never with CI=true, --yes or without a terminal: then they are an error naming them). An existing azdeploy.yml or workflow is left alone (exit 2) unless --force.`

  static override exitCodes = withSignals()

  static override examples = [
    '<%= config.bin %> init --app shop-api -g shop-rg -l westeurope --image myregistry.azurecr.io/shop-api:1.4.2',
    '<%= config.bin %> init --app shop-api --registry myregistry --environment production',
    '<%= config.bin %> init --app shop-api --image ghcr.io/acme/shop-api:1 --force --json',
  ]

  static override flags = {
    app: appFlag(),
    'resource-group': resourceGroupFlag(),
    location: locationFlag(),
    image: Flags.string({summary: 'Image the workflow deploys: REGISTRY/REPOSITORY[:TAG].', exclusive: ['registry']}),
    registry: Flags.string({
      summary: 'Azure Container Registry the workflow builds ./Dockerfile into (instead of --image).',
      exclusive: ['image'],
    }),
    environment: Flags.string({summary: 'GitHub deployment environment of the job (its name is the OIDC subject).'}),
    repository: Flags.string({summary: 'OWNER/REPO on GitHub. [default: from the git origin]'}),
    branch: Flags.string({summary: 'Branch that deploys. [default: the origin default branch]'}),
    yes: Flags.boolean({char: 'y', summary: 'Ask nothing: take the flags and defaults as they are.'}),
    force: Flags.boolean({summary: 'Overwrite an existing azdeploy.yml and workflow.'}),
  }

  async run(): Promise<InitOutcome> {
    const {runInit} = await import('../app/init.js')
    const r = await runInit(this.flags, this.io())
    this.reporter.result([
      `Wrote ${r.files.join(' and ')}.`,
      '',
      `Federated credential subject${r.federatedSubjects.length === 1 ? '' : 's'} (GitHub ${r.repository}, ${r.environment ? `environment ${r.environment}` : `branch ${r.branch}`}):`,
      ...r.federatedSubjects.map((s) => `  ${s}`),
      '',
      'Register them on the Entra application the workflow signs in as (AZURE_CLIENT_ID):',
      ...r.federatedCredentialCommands.map((c) => `  ${c}`),
      '',
      'Role assignments it needs:',
      ...r.roleAssignments.map((a) => `  ${a.role} on ${a.scope}: ${a.why}`),
      ...r.roleAssignmentCommands.map((c) => `  ${c}`),
      '',
      `Then set the repository variables ${r.variables.join(', ')} (gh variable set NAME --body VALUE) and push.`,
    ])
    return r
  }
}
