import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {checkConfigFile, envName, resolveAppTarget, resolveDeployConfig} from '../../src/core/config.js'
import {geoRegionSku, validatePort, validateSku} from '../../src/core/validate.js'

const code = (c: string) => (e: Error & {code?: string}) => e.code === c

describe('config precedence', () => {
  it('flags > AZDEPLOY_* env > file > defaults', () => {
    const file = checkConfigFile({app: 'from-file', sku: 'S1', port: 3000, resourceGroup: 'rg-file'}, 'azdeploy.yml')
    const env = {AZDEPLOY_SKU: 'P1V3', AZDEPLOY_RESOURCE_GROUP: 'rg-env'}
    const c = resolveDeployConfig({'resource-group': 'rg-flag'}, env, file)
    assert.equal(c.app, 'from-file')
    assert.equal(c.resourceGroup, 'rg-flag')
    assert.equal(c.sku.name, 'P1v3')
    assert.equal(c.port, 3000)
    assert.equal(c.instances, 1)
    assert.equal(c.timeoutSec, 300)
    const d = resolveDeployConfig({app: 'x1'}, {}, {})
    assert.equal(d.sku.name, 'B1')
    assert.equal(d.skuExplicit, false)
    assert.equal(d.resourceGroup, 'x1-rg')
  })

  it('names env variables after the keys', () => {
    assert.equal(envName('resourceGroup'), 'AZDEPLOY_RESOURCE_GROUP')
    assert.equal(envName('healthPath'), 'AZDEPLOY_HEALTH_PATH')
  })

  it('takes --env NAME from the environment so secrets stay out of argv', () => {
    const c = resolveDeployConfig({app: 'a1', env: ['TOKEN', 'MODE=prod']}, {TOKEN: 'abc'}, {})
    assert.equal(c.settings['TOKEN']?.reveal(), 'abc')
    assert.equal(c.settings['MODE']?.reveal(), 'prod')
    assert.equal(JSON.stringify(c.settings), '{"TOKEN":"[REDACTED]","MODE":"[REDACTED]"}')
    assert.throws(() => resolveDeployConfig({app: 'a1', env: ['MISSING']}, {}, {}), code('INVALID_ENV'))
  })

  it('rejects bad input with the value named', () => {
    assert.throws(() => resolveDeployConfig({app: '-bad'}, {}, {}), /'-bad'/)
    assert.throws(() => resolveDeployConfig({app: 'ok1', port: '70000'}, {}, {}), code('INVALID_PORT'))
    assert.throws(
      () => resolveDeployConfig({app: 'ok1', sku: 'D1'}, {}, {}),
      (e: Error & {hint?: string}) => /'D1'/.test(e.message) && /Shared/.test(e.hint ?? ''),
    )
    assert.throws(() => resolveDeployConfig({app: 'ok1', sku: 'B1', instances: 4}, {}, {}), code('INVALID_INSTANCES'))
    assert.throws(() => resolveDeployConfig({app: 'ok1', env: ['WEBSITES_PORT=1']}, {}, {}), code('MANAGED_SETTING'))
    assert.throws(
      () => resolveDeployConfig({app: 'ok1', 'health-path': 'healthz'}, {}, {}),
      code('INVALID_HEALTH_PATH'),
    )
    assert.throws(() => resolveDeployConfig({app: 'ok1', location: 'west europe!'}, {}, {}), code('INVALID_LOCATION'))
    assert.throws(() => resolveDeployConfig({}, {}, {}), code('APP_REQUIRED'))
    assert.throws(() => checkConfigFile({aap: 'x'}, 'azdeploy.yml'), /unknown key 'aap'/)
    assert.throws(
      () => checkConfigFile({resource_group: 'x'}, 'azdeploy.yml'),
      (e: Error & {hint?: string}) => /Did you mean 'resourceGroup'/.test(e.hint ?? ''),
    )
    assert.throws(() => checkConfigFile({port: '80'}, 'azdeploy.yml'), /must be a number/)
  })

  it('maps plan tiers to the geoRegions filter families', () => {
    assert.equal(geoRegionSku(validateSku('P0v3').tier), 'PremiumV3')
    assert.equal(geoRegionSku(validateSku('P2mv3').tier), 'PremiumV3')
    assert.equal(geoRegionSku(validateSku('B2').tier), 'Basic')
    assert.equal(geoRegionSku(validateSku('P1v4').tier), undefined)
  })

  it('validates ports and SKUs exactly', () => {
    assert.equal(validatePort('8080'), 8080)
    for (const bad of ['0', '65536', 'abc', '80.5', ' ']) assert.throws(() => validatePort(bad), code('INVALID_PORT'))
    assert.equal(validateSku('p0v3').name, 'P0v3')
    assert.equal(validateSku('P1MV3').name, 'P1mv3')
    assert.equal(validateSku('f1').alwaysOn, false)
  })
})

describe('config file limits', () => {
  it('refuses more than 1,000 settings, naming the file and the count', () => {
    const env = Object.fromEntries(Array.from({length: 1001}, (_, i) => [`S${i}`, 'v']))
    assert.throws(
      () => checkConfigFile({env}, '/x/azdeploy.yml'),
      (e: Error & {code?: string}) =>
        e.code === 'CONFIG_TOO_LARGE' && e.message.includes('/x/azdeploy.yml') && e.message.includes('1001'),
    )
    const ok = Object.fromEntries(Array.from({length: 1000}, (_, i) => [`S${i}`, 'v']))
    assert.equal(
      Object.keys(resolveDeployConfig({app: 'a1'}, {}, checkConfigFile({env: ok}, 'f')).settings).length,
      1000,
    )
  })

  it('resolves read targets with the same precedence as up', () => {
    const file = checkConfigFile({app: 'file-app', resourceGroup: 'rg-file', cloud: 'AzureChinaCloud'}, 'f')
    assert.deepEqual(resolveAppTarget({subscription: 'sub1'}, {AZDEPLOY_RESOURCE_GROUP: 'rg-env'}, file), {
      app: 'file-app',
      resourceGroup: 'rg-env',
      subscription: 'sub1',
      cloud: 'AzureChinaCloud',
    })
    assert.equal(resolveAppTarget({app: 'flag-app'}, {AZDEPLOY_APP: 'env-app'}, {}).resourceGroup, 'flag-app-rg')
    assert.throws(() => resolveAppTarget({}, {AZDEPLOY_APP: ''}, {}), code('APP_REQUIRED'))
  })
})
