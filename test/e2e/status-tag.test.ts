// `status` names the `repository:tag` the running digest was deployed as (from the release that recorded it),
// in human output and in --json; nothing when no release recorded that digest.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {describeRun, e2eWorld, jsonOf} from '../helpers/run-cli.js'
import {assertExit, mustSite, upArgs} from './e2e-common.js'

const world = e2eWorld()

interface StatusDoc {
  image: string | null
  digest: string | null
  imageTag: string | null
}

describe('status: the tag beside the digest', () => {
  const app = world.name('stag')
  const rg = `rg-${app}`
  const status = async () => {
    const r = await world.cli(['status', '--app', app, '-g', rg, '--json'])
    assertExit(r, 0)
    return jsonOf<StatusDoc>(r)
  }

  test('after each deploy, the tag of the release that runs; human and --json', async () => {
    assertExit(await world.cli(upArgs(app, world.image2)), 0)
    const first = await status()
    assert.equal(first.digest, world.images.v2.digest)
    assert.equal(first.imageTag, world.image2)
    assert.ok(first.image?.endsWith(`@${world.images.v2.digest}`), String(first.image))

    const human = await world.cli(['status', '--app', app, '-g', rg])
    assertExit(human, 0)
    const line = human.stdout.split('\n').find((l) => l.startsWith('Image:'))
    assert.equal(line, `Image:   ${first.image} (deployed as ${world.image2})`, describeRun(human))

    assertExit(await world.cli(upArgs(app, world.image, '--port', '8080')), 0)
    const second = await status()
    assert.equal(second.digest, world.images.single.digest)
    assert.equal(second.imageTag, world.image)
  })

  test('a digest no release recorded (changed outside azdeploy): no tag, and the human line shows none', async () => {
    const s = mustSite(world.em, rg, app)
    const other = `sha256:${'ab'.repeat(32)}`
    s.config.linuxFxVersion = `DOCKER|${world.registry.host}/${world.images.repo}@${other}`
    const doc = await status()
    assert.equal(doc.digest, other)
    assert.equal(doc.imageTag, null)
    const human = await world.cli(['status', '--app', app, '-g', rg])
    assert.doesNotMatch(human.stdout, /deployed as/)
  })
})
