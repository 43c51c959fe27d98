import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {appUrl} from '../../src/core/app-url.js'

describe('appUrl', () => {
  it('keeps every path on the app host', () => {
    const base = 'https://shop.azurewebsites.net'
    assert.equal(appUrl(base, '/healthz'), 'https://shop.azurewebsites.net/healthz')
    assert.equal(appUrl(base, undefined), 'https://shop.azurewebsites.net/')
    assert.equal(appUrl(base, '/ready?deep=1'), 'https://shop.azurewebsites.net/ready?deep=1')
    for (const hostile of ['@evil.example/x', '//evil.example/x', '\\\\evil.example']) {
      assert.equal(new URL(appUrl(base, hostile)).host, 'shop.azurewebsites.net', hostile)
    }
  })
})
