/**
 * `azdeploy init`: azdeploy.yml and .github/workflows/azdeploy.yml from flags (or questions in a terminal), the
 * repository and branch from the git origin, and what to register in Entra and Azure RBAC, printed, never done.
 */
import {existsSync} from 'node:fs'
import {relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {readGitOrigin} from '../adapters/system/git-origin.js'
import {existingFiles, type ProjectFile, writeProjectFiles} from '../adapters/system/project-files.js'
import {shown} from '../core/display.js'
import {InputError} from '../core/errors.js'
import {parseImageRef} from '../core/image-ref.js'
import {
  CONFIG_PATH,
  configFileText,
  federatedCredentialCommands,
  federatedSubjects,
  githubRepository,
  type InitValues,
  type RoleAssignment,
  roleAssignmentCommands,
  roleAssignments,
  WORKFLOW_PATH,
  workflowText,
} from '../core/init-files.js'
import {normalizeLocation, validateAppName, validateResourceGroup} from '../core/validate.js'
import type {AppIO} from './io.js'

export interface InitInput {
  app?: string | undefined
  'resource-group'?: string | undefined
  location?: string | undefined
  image?: string | undefined
  registry?: string | undefined
  environment?: string | undefined
  repository?: string | undefined
  branch?: string | undefined
  yes?: boolean
  force?: boolean
}

export interface InitOutcome {
  files: string[]
  repository: string
  branch: string
  environment: string | null
  federatedSubjects: string[]
  federatedCredentialCommands: string[]
  roleAssignments: RoleAssignment[]
  roleAssignmentCommands: string[]
  /** Repository variables the workflow reads. */
  variables: string[]
}

const NO_QUESTIONS = 'no questions are asked with CI=true, --yes or without a terminal'

/** Questions only in a terminal, never with CI=true or --yes. */
function asker(f: InitInput, io: AppIO): ((q: string) => Promise<string | undefined>) | undefined {
  const ci = io.env['CI'] !== undefined && io.env['CI'] !== '' && io.env['CI'] !== 'false'
  if (f.yes || ci || !io.interactive || !io.ask) return undefined
  const ask = io.ask
  return async (q) => (await ask(q))?.trim() || undefined
}

async function gatherValues(f: InitInput, io: AppIO): Promise<InitValues> {
  const ask = asker(f, io)
  const git = await readGitOrigin(io.cwd)
  const repository = f.repository ?? (git.url ? githubRepository(git.url) : undefined)
  const branch = f.branch ?? git.branch
  let app = f.app
  if (!app && ask) app = await ask('Web app name (becomes <app>.azurewebsites.net): ')
  let rg = f['resource-group']
  if (!rg && app && ask) rg = (await ask(`Resource group [${app}-rg]: `)) ?? `${app}-rg`
  let location = f.location
  if (!location && ask) location = await ask('Azure region for new resources, e.g. westeurope (empty: none): ')
  let image = f.image
  let registry = f.registry
  if (!image && !registry && ask) {
    image = await ask('Image to deploy, REGISTRY/REPOSITORY:TAG (empty: build ./Dockerfile and push to an ACR): ')
    if (!image) registry = await ask('Azure Container Registry name to push builds to: ')
  }
  const missing: string[] = []
  if (!app) missing.push('--app')
  if (!image && !registry) missing.push('--image or --registry')
  if (!repository)
    missing.push(git.url ? `--repository (origin ${git.url} is not on GitHub)` : '--repository (no git origin)')
  if (!branch) missing.push('--branch (no default branch known)')
  if (missing.length > 0) {
    throw new InputError(
      'INIT_MISSING',
      `Missing ${missing.join(', ')}`,
      `Pass them as flags (${NO_QUESTIONS}), e.g. azdeploy init --app shop-api --image myregistry.azurecr.io/shop-api:1`,
    )
  }
  return validated({app: app!, rg, location, image, registry, repository: repository!, branch: branch!, f})
}

function validated(v: {
  app: string
  rg: string | undefined
  location: string | undefined
  image: string | undefined
  registry: string | undefined
  repository: string
  branch: string
  f: InitInput
}): InitValues {
  const app = validateAppName(v.app)
  if (v.image) parseImageRef(v.image)
  if (v.registry && !/^[a-zA-Z0-9]{5,50}$/.test(v.registry)) {
    throw new InputError(
      'INVALID_REGISTRY_NAME',
      `Registry name '${shown(v.registry)}' is not valid`,
      'Use the ACR name (5-50 letters and digits), not its login server',
    )
  }
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(v.repository)) {
    throw new InputError(
      'INVALID_REPOSITORY',
      `Repository '${shown(v.repository)}' is not <owner>/<repo>`,
      'Pass --repository OWNER/REPO',
    )
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(v.branch) || v.branch.includes('..')) {
    throw new InputError(
      'INVALID_BRANCH',
      `Branch '${shown(v.branch)}' is not a plain branch name`,
      'Pass --branch NAME',
    )
  }
  const env = v.f.environment
  if (env !== undefined && !/^[A-Za-z0-9 _.-]{1,255}$/.test(env)) {
    throw new InputError(
      'INVALID_ENVIRONMENT',
      `Environment '${shown(env)}' is not a valid name`,
      'Use letters, digits, spaces, . _ -',
    )
  }
  return {
    app,
    resourceGroup: validateResourceGroup(v.rg ?? `${app}-rg`),
    location: v.location ? normalizeLocation(v.location) : undefined,
    image: v.image,
    registry: v.registry,
    repository: v.repository,
    branch: v.branch,
    environment: env,
  }
}

/** The schema in the installed package, as a path from the project when the package is inside it. */
function schemaRef(cwd: string): string {
  const schema = fileURLToPath(new URL('../../schemas/azdeploy.schema.json', import.meta.url))
  const rel = relative(cwd, schema)
  if (existsSync(schema) && !rel.startsWith('..') && !rel.startsWith(sep)) return `./${rel.split(sep).join('/')}`
  return './node_modules/azdeploy/schemas/azdeploy.schema.json'
}

export async function runInit(f: InitInput, io: AppIO): Promise<InitOutcome> {
  const v = await gatherValues(f, io)
  const files: ProjectFile[] = [
    {path: CONFIG_PATH, text: configFileText(v, schemaRef(io.cwd))},
    {path: WORKFLOW_PATH, text: workflowText(v)},
  ]
  const existing = existingFiles(io.cwd, files)
  if (existing.length > 0 && !f.force) {
    throw new InputError(
      'INIT_EXISTS',
      `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written`,
      'Pass --force to overwrite them',
    )
  }
  await writeProjectFiles(io.cwd, files)
  return {
    files: files.map((x) => x.path),
    repository: v.repository,
    branch: v.branch,
    environment: v.environment ?? null,
    federatedSubjects: federatedSubjects(v),
    federatedCredentialCommands: federatedCredentialCommands(v),
    roleAssignments: roleAssignments(v),
    roleAssignmentCommands: roleAssignmentCommands(v),
    variables: ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID'],
  }
}
