import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {resolveCloud} from '../../src/core/cloud.js'
import {InputError} from '../../src/core/errors.js'

describe('resolveCloud', () => {
  it('defaults to the public cloud with the SDK scope', () => {
    const c = resolveCloud(undefined, {})
    assert.equal(c.name, 'AzureCloud')
    assert.equal(c.armEndpoint, 'https://management.azure.com')
    assert.equal(c.armScope, 'https://management.azure.com/.default')
    assert.equal(c.authorityHost, 'https://login.microsoftonline.com')
    assert.equal(c.acrSuffix, 'azurecr.io')
    assert.equal(c.acrScope, 'https://containerregistry.azure.net/.default')
    assert.equal(c.appServiceDomain, 'azurewebsites.net')
    assert.equal(c.customArmEndpoint, false)
  })

  it('matches names case-insensitively and follows the cloud for endpoint and scope', () => {
    const cn = resolveCloud('azurechinacloud', {})
    assert.equal(cn.name, 'AzureChinaCloud')
    assert.equal(cn.armEndpoint, 'https://management.chinacloudapi.cn')
    assert.equal(cn.armScope, 'https://management.chinacloudapi.cn/.default')
    assert.equal(cn.authorityHost, 'https://login.chinacloudapi.cn')
    assert.equal(cn.acrSuffix, 'azurecr.cn')
    const gov = resolveCloud('AZUREUSGOVERNMENT', {})
    assert.equal(gov.armEndpoint, 'https://management.usgovcloudapi.net')
    assert.equal(gov.armScope, 'https://management.usgovcloudapi.net/.default')
    assert.equal(gov.authorityHost, 'https://login.microsoftonline.us')
    assert.equal(gov.appServiceDomain, 'azurewebsites.us')
  })

  it('names the three clouds when the name is unknown', () => {
    assert.throws(
      () => resolveCloud('AzureGermanCloud', {}),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'INVALID_CLOUD' &&
        e.message.includes('AzureGermanCloud') &&
        ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'].every((n) => e.message.includes(n)),
    )
  })

  it('AZURE_RESOURCE_MANAGER_ENDPOINT replaces the endpoint and keeps the cloud scope', () => {
    const c = resolveCloud('AzureCloud', {AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:8443/'})
    assert.equal(c.armEndpoint, 'https://127.0.0.1:8443')
    assert.equal(c.armScope, 'https://management.azure.com/.default')
    assert.equal(c.customArmEndpoint, true)
    const stack = resolveCloud('AzureChinaCloud', {AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://arm.local/base//'})
    assert.equal(stack.armEndpoint, 'https://arm.local/base')
    assert.equal(stack.armScope, 'https://management.chinacloudapi.cn/.default')
  })

  for (const bad of ['http://127.0.0.1:8080', 'not a url', 'https://x.local/?a=1', 'ftp://x']) {
    it(`rejects AZURE_RESOURCE_MANAGER_ENDPOINT=${bad}`, () => {
      assert.throws(
        () => resolveCloud(undefined, {AZURE_RESOURCE_MANAGER_ENDPOINT: bad}),
        (e: unknown) => e instanceof InputError && e.code === 'INVALID_ARM_ENDPOINT' && e.message.includes(bad),
      )
    })
  }

  it('does not echo credentials embedded in the endpoint', () => {
    assert.throws(
      () => resolveCloud(undefined, {AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://user:hunter2@arm.local'}),
      (e: unknown) => e instanceof InputError && !e.message.includes('hunter2'),
    )
  })

  it('AZURE_AUTHORITY_HOST replaces the Entra ID host', () => {
    const c = resolveCloud(undefined, {AZURE_AUTHORITY_HOST: 'https://login.example.test/'})
    assert.equal(c.authorityHost, 'https://login.example.test')
    assert.throws(() => resolveCloud(undefined, {AZURE_AUTHORITY_HOST: 'http://login'}), /AZURE_AUTHORITY_HOST/)
  })
})
