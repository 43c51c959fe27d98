// `azdeploy init` through the built CLI in a git checkout: both files written from flags, the subjects and the
// role assignment printed, GitHub's parser happy with the workflow, refusal to overwrite without --force (nothing
// changed), missing values named without prompting under CI, and no Azure call (ARM points at a closed port).
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, test} from 'node:test'
import {parse} from 'yaml'
import {describeRun, jsonOf, type RunCliOptions, runCli, tempDir} from '../helpers/run-cli.js'
import {workflowErrors} from '../helpers/workflow-parser.js'

const NO_ARM = {url: 'https://127.0.0.1:9'}
let repo: string

function gitRepo(origin: string | undefined, defaultBranch = 'trunk'): string {
  const dir = tempDir('init-repo')
  const git = (...a: string[]) => execFileSync('git', a, {cwd: dir, stdio: 'pipe'})
  git('init', '-q', '-b', 'work')
  if (origin) {
    git('remote', 'add', 'origin', origin)
    git('symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${defaultBranch}`)
  }
  return dir
}

const init = (args: string[], o: RunCliOptions = {}) => runCli(['init', ...args], {arm: NO_ARM, cwd: repo, ...o})
const flags = ['--app', 'shop-api', '-g', 'shop-rg', '-l', 'westeurope', '--image', 'myreg.azurecr.io/shop-api:1']

describe('azdeploy init', () => {
  beforeEach(() => {
    repo = gitRepo('git@github.com:acme/shop.git')
  })
  afterEach(() => rmSync(repo, {recursive: true, force: true}))

  test('writes azdeploy.yml and the workflow, prints the subject and the exact role assignments', async () => {
    const r = await init(flags)
    assert.equal(r.code, 0, describeRun(r))
    const config = readFileSync(join(repo, 'azdeploy.yml'), 'utf8')
    const cfg = parse(config) as Record<string, string>
    assert.equal(cfg.app, 'shop-api')
    assert.equal(cfg.resourceGroup, 'shop-rg')
    assert.equal(cfg.image, 'myreg.azurecr.io/shop-api:1')
    assert.match(cfg.$schema ?? '', /azdeploy\/schemas\/azdeploy\.schema\.json$|schemas\/azdeploy\.schema\.json$/)
    const workflow = readFileSync(join(repo, '.github/workflows/azdeploy.yml'), 'utf8')
    assert.deepEqual(await workflowErrors('azdeploy.yml', workflow), [])
    const wf = parse(workflow) as {on: {push: {branches: string[]}}; permissions: Record<string, string>}
    assert.deepEqual(wf.on.push.branches, ['trunk'], "origin's default branch")
    assert.deepEqual(wf.permissions, {'id-token': 'write', contents: 'read'})

    assert.match(r.stdout, /^ {2}repo:acme\/shop:ref:refs\/heads\/trunk$/m)
    assert.match(
      r.stdout,
      /az ad app federated-credential create --id "\$AZURE_CLIENT_ID" --parameters '\{.*"subject":"repo:acme\/shop:ref:refs\/heads\/trunk".*\}'/,
    )
    assert.match(
      r.stdout,
      /az role assignment create --assignee "\$AZURE_CLIENT_ID" --role "Contributor" --scope "\/subscriptions\/\$\(az account show --query id -o tsv\)\/resourceGroups\/shop-rg"/,
    )
    assert.match(r.stdout, /--role "Role Based Access Control Administrator" --scope "\$\(az acr show --name myreg/)
  })

  test('run again: refuses without --force (exit 2, names --force, no file changed); --force overwrites', async () => {
    assert.equal((await init(flags)).code, 0)
    const path = join(repo, 'azdeploy.yml')
    writeFileSync(path, 'app: edited-by-hand\n')
    const before = readFileSync(join(repo, '.github/workflows/azdeploy.yml'), 'utf8')
    const again = await init([...flags.slice(0, 1), 'other-app', ...flags.slice(2)])
    assert.equal(again.code, 2, describeRun(again))
    assert.match(
      again.stderr,
      /Error \(INIT_EXISTS\): azdeploy\.yml and \.github\/workflows\/azdeploy\.yml already exist/,
    )
    assert.match(again.stderr, /Try: Pass --force/)
    assert.equal(readFileSync(path, 'utf8'), 'app: edited-by-hand\n')
    assert.equal(readFileSync(join(repo, '.github/workflows/azdeploy.yml'), 'utf8'), before)
    const forced = await init([...flags, '--force'])
    assert.equal(forced.code, 0, describeRun(forced))
    assert.match(readFileSync(path, 'utf8'), /^app: shop-api$/m)
  })

  test('--environment: the subject is the environment and the job names it; --json gives the document', async () => {
    const r = await init(['--app', 'shop-api', '--registry', 'myregistry', '--environment', 'production', '--json'])
    assert.equal(r.code, 0, describeRun(r))
    const doc = jsonOf<{federatedSubjects: string[]; files: string[]; roleAssignments: Array<{role: string}>}>(r)
    assert.deepEqual(doc.federatedSubjects, ['repo:acme/shop:environment:production'])
    assert.deepEqual(doc.files, ['azdeploy.yml', '.github/workflows/azdeploy.yml'])
    assert.deepEqual(
      doc.roleAssignments.map((a) => a.role),
      ['Contributor', 'Role Based Access Control Administrator', 'AcrPush'],
    )
    const workflow = readFileSync(join(repo, '.github/workflows/azdeploy.yml'), 'utf8')
    assert.match(workflow, /^ {4}environment: production$/m)
    assert.deepEqual(await workflowErrors('azdeploy.yml', workflow), [])
  })

  test('with CI=true nothing is asked: missing values are one error naming them, nothing written', async () => {
    const r = await init([], {input: 'shop-api\n'})
    assert.equal(r.code, 2, describeRun(r))
    assert.match(r.stderr, /Error \(INIT_MISSING\): Missing --app, --image or --registry/)
    assert.doesNotMatch(r.stderr, /Web app name/, 'no question printed')
    assert.ok(!existsSync(join(repo, 'azdeploy.yml')))
    assert.ok(!existsSync(join(repo, '.github')))
  })

  test('an origin outside GitHub, and a bad flag, are errors naming the value', async () => {
    rmSync(repo, {recursive: true, force: true})
    repo = gitRepo('https://gitlab.com/acme/shop.git')
    const r = await init(flags)
    assert.equal(r.code, 2, describeRun(r))
    assert.match(r.stderr, /--repository \(origin https:\/\/gitlab\.com\/acme\/shop\.git is not on GitHub\)/)
    const ok = await init([...flags, '--repository', 'acme/shop', '--branch', 'main'])
    assert.equal(ok.code, 0, describeRun(ok))
    assert.match(ok.stdout, /repo:acme\/shop:ref:refs\/heads\/main/)
    const bad = await init(['--app', '-bad-', '--image', 'a/b:1', '--repository', 'acme/shop', '--force'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /App name '-bad-' is not valid/)
  })
})
