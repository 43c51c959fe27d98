// The world of the release e2e files (releases.test.ts, rollback.test.ts): an emulator whose token carries a user,
// so the actor of every release is known, and the helpers both files read the history with.
import assert from 'node:assert/strict'
import {e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, mustSite, upArgs} from './e2e-common.js'

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
/** An unsigned JWT-shaped token: the actor comes from its claims (the emulator only compares it). */
export const TOKEN = `${b64({alg: 'none', typ: 'JWT'})}.${b64({upn: 'dev@example.com', name: 'Dev Person', idtyp: 'user', oid: 'o1'})}.sig`

export interface Row {
  id: number
  image: string
  digest: string
  port: number | null
  createdAt: string
  actor: string
  kind: string
  status: string
  current: boolean
}
const KEYS = ['actor', 'createdAt', 'current', 'digest', 'id', 'image', 'kind', 'port', 'status']

/** Call once at a test file's top level (it registers the world's before/after hooks). */
export function releaseWorld() {
  const world = e2eWorld({token: TOKEN})

  async function releases(app: string): Promise<Row[]> {
    const r = await world.cli(['releases', '--app', app, '-g', `rg-${app}`, '--json'])
    assertExit(r, 0)
    const doc = jsonOf<{releases: Row[]}>(r)
    for (const row of doc.releases) assert.deepEqual(Object.keys(row).sort(), KEYS)
    if (doc.releases.length) assert.equal(doc.releases.filter((x) => x.current).length, 1, 'exactly one current')
    return doc.releases
  }

  async function deployed(app: string, image: string, ...extra: string[]) {
    const r = await world.cli([...upArgs(app, image, '--port', '8080', ...extra), '--json'])
    assertExit(r, 0)
    return jsonOf<{release: number | null; changed: boolean; digest: string}>(r)
  }

  const lockTag = (app: string) =>
    Object.entries(mustSite(world.em, `rg-${app}`, app).tags).find(([k]) => k.toLowerCase() === 'azdeploy.lock')

  return {world, releases, deployed, lockTag}
}
