import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Secret} from '../../src/core/secret.js'
import type {RegistryInfo} from '../../src/ports/index.js'
import {decideRegistryAccess} from '../../src/services/registry-access.js'

const acr: RegistryInfo = {
  id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/shop',
  name: 'shop',
  resourceGroup: 'r',
  loginServer: 'shop.azurecr.io',
  roleAssignmentMode: 'LegacyRegistryPermissions',
  adminUserEnabled: false,
}
const pw = new Secret('pw')
const probes: string[] = []
const ports = (found: RegistryInfo | null, challenge = false) => ({
  isAcrStyle: async (h: string) => {
    probes.push(h)
    return challenge
  },
  findByName: async (n: string) => ({loginServer: `${n}.azurecr.io`}),
  findByLoginServer: async () => found,
})

describe('decideRegistryAccess: one order for up, push and doctor', () => {
  it('--registry NAME wins, and must be the image registry', async () => {
    const d = await decideRegistryAccess({host: 'shop.azurecr.io', registryName: 'shop'}, ports(acr))
    assert.equal(d.kind === 'acr' && d.via, 'registry-name')
    await assert.rejects(
      decideRegistryAccess({host: 'other.azurecr.io', registryName: 'shop'}, ports(acr)),
      /REGISTRY_MISMATCH|is not shop/,
    )
  })
  it('an ACR suffix of any cloud, then the ACR challenge', async () => {
    for (const host of ['shop.azurecr.io', 'shop.azurecr.cn', 'shop.azurecr.us']) {
      const d = await decideRegistryAccess({host}, ports({...acr, loginServer: host}))
      assert.equal(d.kind === 'acr' && d.via, 'suffix', host)
    }
    const c = await decideRegistryAccess({host: 'registry.example.com'}, ports(acr, true))
    assert.equal(c.kind === 'acr' && c.via, 'challenge')
  })
  it('an ACR outside the subscription: an ACR token user, else an error naming it', async () => {
    const b = await decideRegistryAccess({host: 'shop.azurecr.io', username: 'tok', password: pw}, ports(null))
    assert.equal(b.kind, 'basic')
    await assert.rejects(decideRegistryAccess({host: 'shop.azurecr.io'}, ports(null)), /shop\.azurecr\.io/)
  })
  it('without a subscription look-up (push): ACR hosts sign in, explicit credentials still win', async () => {
    const {findByLoginServer: _, ...push} = ports(null)
    assert.equal((await decideRegistryAccess({host: 'shop.azurecr.io'}, push)).kind, 'acr')
    const b = await decideRegistryAccess({host: 'shop.azurecr.io', username: 'tok', password: pw}, push)
    assert.equal(b.kind, 'basic')
  })
  it('basic needs its password; public registries are never probed; else anonymous', async () => {
    await assert.rejects(decideRegistryAccess({host: 'reg.example.com', username: 'u'}, ports(null)), /password/)
    probes.length = 0
    assert.equal((await decideRegistryAccess({host: 'ghcr.io'}, ports(null))).kind, 'anonymous')
    assert.deepEqual(probes, [])
  })
})
