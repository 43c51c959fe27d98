/**
 * What `azdeploy init` writes and prints, as text: azdeploy.yml, the GitHub workflow that deploys on every push to
 * the default branch with the azdeploy Action, the federated credential subjects the workflow presents, and the
 * role assignments its identity needs. Pure.
 */

/** The repository whose root holds action.yml (`uses: <ACTION_REPOSITORY>@<ACTION_VERSION>`). */
export const ACTION_REPOSITORY = 'azdeploy/azdeploy'
export const ACTION_VERSION = 'v1'
export const WORKFLOW_PATH = '.github/workflows/azdeploy.yml'
export const CONFIG_PATH = 'azdeploy.yml'
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

export interface InitValues {
  app: string
  resourceGroup: string
  location?: string | undefined
  image?: string | undefined
  registry?: string | undefined
  /** `<owner>/<repo>` of the git origin on GitHub. */
  repository: string
  branch: string
  environment?: string | undefined
}

/** A YAML scalar that reads back as this exact string: plain when unambiguous, else double-quoted (JSON). */
export function yamlString(s: string): string {
  const plain =
    /^[A-Za-z0-9_./][A-Za-z0-9_./@:+-]*$/.test(s) &&
    !/^(true|false|yes|no|on|off|null|~|y|n)$/i.test(s) &&
    !/^[-+]?(\d|\.\d)/.test(s) &&
    !/: |:$/.test(s)
  return plain ? s : JSON.stringify(s)
}

/** azdeploy.yml with the schema reference, so editors complete and check it. */
export function configFileText(v: InitValues, schemaRef: string): string {
  const lines = [
    `# yaml-language-server: $schema=${schemaRef}`,
    `$schema: ${yamlString(schemaRef)}`,
    `app: ${yamlString(v.app)}`,
    `resourceGroup: ${yamlString(v.resourceGroup)}`,
  ]
  if (v.location) lines.push(`location: ${yamlString(v.location)}`)
  if (v.image) lines.push(`image: ${yamlString(v.image)}`)
  if (v.registry) lines.push(`registry: ${yamlString(v.registry)}`)
  return `${lines.join('\n')}\n`
}

/** A GitHub expression, `${{ … }}`. */
const expr = (e: string) => `\${{ ${e} }}`

/** The workflow: on push to the branch, OIDC (`id-token: write`), one deploy at a time per app, the Action. */
export function workflowText(v: InitValues): string {
  const inputs: Array<[string, string]> = [
    ['app', yamlString(v.app)],
    ['resource-group', yamlString(v.resourceGroup)],
  ]
  if (v.location) inputs.push(['location', yamlString(v.location)])
  if (v.image) inputs.push(['image', yamlString(v.image)])
  if (v.registry) inputs.push(['registry', yamlString(v.registry)])
  inputs.push(
    ['client-id', expr('vars.AZURE_CLIENT_ID')],
    ['tenant-id', expr('vars.AZURE_TENANT_ID')],
    ['subscription-id', expr('vars.AZURE_SUBSCRIPTION_ID')],
  )
  const lines = [
    `name: ${yamlString(`Deploy ${v.app}`)}`,
    'on:',
    '  push:',
    `    branches: [${yamlString(v.branch)}]`,
    '  workflow_dispatch:',
    'permissions:',
    '  id-token: write',
    '  contents: read',
    'concurrency:',
    `  group: ${yamlString(`azdeploy-${v.app}`)}`,
    '  cancel-in-progress: false',
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    ...(v.environment ? [`    environment: ${yamlString(v.environment)}`] : []),
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - id: azdeploy',
    `        uses: ${ACTION_REPOSITORY}@${ACTION_VERSION}`,
    '        with:',
    ...inputs.map(([k, val]) => `          ${k}: ${val}`),
    '      - run: echo "Deployed release $RELEASE to $URL"',
    '        env:',
    `          RELEASE: ${expr('steps.azdeploy.outputs.release')}`,
    `          URL: ${expr('steps.azdeploy.outputs.url')}`,
  ]
  return `${lines.join('\n')}\n`
}

/**
 * The `sub` claims this workflow's ID token carries: `repo:<owner>/<repo>:ref:refs/heads/<branch>`, or with a
 * deployment environment `repo:<owner>/<repo>:environment:<name>` (GitHub then puts the environment in `sub`).
 */
export function federatedSubjects(v: Pick<InitValues, 'repository' | 'branch' | 'environment'>): string[] {
  return v.environment
    ? [`repo:${v.repository}:environment:${v.environment}`]
    : [`repo:${v.repository}:ref:refs/heads/${v.branch}`]
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
/** A shell word: as is when plain, else single-quoted. */
const sh = (s: string) => (/^[A-Za-z0-9._/=-]+$/.test(s) ? s : sq(s))

/** `az ad app federated-credential create` for each subject (run once; the app id is AZURE_CLIENT_ID). */
export function federatedCredentialCommands(v: InitValues): string[] {
  return federatedSubjects(v).map((subject, i) => {
    const name = `azdeploy-${v.app}${i > 0 ? `-${i}` : ''}`
    const params = JSON.stringify({
      name,
      issuer: GITHUB_OIDC_ISSUER,
      subject,
      audiences: ['api://AzureADTokenExchange'],
    })
    return `az ad app federated-credential create --id "$AZURE_CLIENT_ID" --parameters ${sq(params)}`
  })
}

export interface RoleAssignment {
  role: string
  scope: string
  why: string
}

/**
 * What the workflow's identity needs: Contributor on the resource group (plan, web app, pull identity); for an
 * image in (or a build pushed to) an Azure Container Registry, the right to grant the app's identity AcrPull there
 * (Role Based Access Control Administrator on the registry), and AcrPush when it pushes builds.
 */
export function roleAssignments(v: InitValues): RoleAssignment[] {
  const sub = '$(az account show --query id -o tsv)'
  const out: RoleAssignment[] = [
    {
      role: 'Contributor',
      scope: `/subscriptions/${sub}/resourceGroups/${v.resourceGroup}`,
      why: 'create and update the plan, the web app and its pull identity',
    },
  ]
  const acr = v.registry ?? /^([a-z0-9]+)\.azurecr\.(io|cn|us)\//i.exec(v.image ?? '')?.[1]
  if (acr) {
    const scope = `$(az acr show --name ${acr} --query id -o tsv)`
    out.push({
      role: 'Role Based Access Control Administrator',
      scope,
      why: "grant the app's identity AcrPull on the registry",
    })
    if (v.registry) out.push({role: 'AcrPush', scope, why: 'push the image it builds'})
  }
  return out
}

/** The exact `az` commands: the resource group first (a role needs its scope to exist), then each assignment. */
export function roleAssignmentCommands(v: InitValues): string[] {
  const cmds: string[] = []
  if (v.location) cmds.push(`az group create --name ${sh(v.resourceGroup)} --location ${sh(v.location)}`)
  for (const r of roleAssignments(v)) {
    cmds.push(
      `az role assignment create --assignee "$AZURE_CLIENT_ID" --role ${JSON.stringify(r.role)} --scope "${r.scope}"`,
    )
  }
  return cmds
}

/**
 * `<owner>/<repo>` of a GitHub remote URL: https://github.com/o/r(.git), git@github.com:o/r(.git),
 * ssh://git@github.com/o/r. Undefined for any other host (a GitHub Enterprise host is accepted when named).
 */
export function githubRepository(url: string, host = 'github.com'): string | undefined {
  const h = host.replace(/[.]/g, '\\.')
  const m = new RegExp(
    `^(?:https?://(?:[^@/]+@)?|ssh://(?:[^@/]+@)?|git@)${h}(?::\\d+)?[:/]([^/]+)/([^/]+?)(?:\\.git)?/?$`,
    'i',
  ).exec(url.trim())
  if (!m) return undefined
  const [owner, repo] = [m[1]!, m[2]!]
  return /^[A-Za-z0-9_.-]+$/.test(owner) && /^[A-Za-z0-9_.-]+$/.test(repo) ? `${owner}/${repo}` : undefined
}
