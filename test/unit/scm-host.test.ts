// The SCM (Kudu) host is sent the user's Azure token: only ARM's Repository host, or an SCM name under the cloud's
// App Service domain, is ever picked; a custom domain that merely contains `.scm.` never is.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {isScmHostName, scmHostOf} from '../../src/adapters/azure/scm-host.js'

describe('SCM host choice', () => {
  it('takes the host ARM marks as Repository', () => {
    const site = {
      hostNameSslStates: [
        {name: 'shop.azurewebsites.net', hostType: 'Standard'},
        {name: 'shop.scm.azurewebsites.net', hostType: 'Repository'},
      ],
      enabledHostNames: ['shop.scm.evil.example.com'],
    }
    assert.equal(scmHostOf(site, 'azurewebsites.net'), 'shop.scm.azurewebsites.net')
  })

  it('falls back to an enabled host name only under the cloud SCM domain', () => {
    const enabled = [
      'www.shop.example',
      'shop.scm.evil.example.com',
      'shop.scm.azurewebsites.net.evil.io',
      'shop.scm.azurewebsites.net',
    ]
    assert.equal(scmHostOf({enabledHostNames: enabled}, 'azurewebsites.net'), 'shop.scm.azurewebsites.net')
    assert.equal(scmHostOf({enabledHostNames: enabled.slice(0, 3)}, 'azurewebsites.net'), undefined)
    assert.equal(scmHostOf({enabledHostNames: ['shop.scm.chinacloudsites.cn']}, 'azurewebsites.net'), undefined)
    assert.equal(
      scmHostOf({enabledHostNames: ['shop.scm.chinacloudsites.cn']}, 'chinacloudsites.cn'),
      'shop.scm.chinacloudsites.cn',
    )
    assert.equal(
      scmHostOf({enabledHostNames: ['shop.scm.chinacloudsites.cn']}),
      'shop.scm.chinacloudsites.cn',
      'any cloud when unknown',
    )
  })

  it('accepts the regional form, refuses extra labels, look-alikes and other shapes', () => {
    const d = ['azurewebsites.net']
    assert.ok(isScmHostName('api-abc.scm.westeurope-01.azurewebsites.net', d))
    assert.ok(isScmHostName('SHOP.SCM.AZUREWEBSITES.NET', d))
    for (const h of [
      'shop.scm.example.com',
      'scm.azurewebsites.net',
      'a.b.scm.azurewebsites.net',
      'shop.scm.a.b.azurewebsites.net',
      'shop.scm.azurewebsitesxnet',
      'shop.scm.azurewebsites.net.attacker.com',
      'shop.scmazurewebsites.net',
    ]) {
      assert.ok(!isScmHostName(h, d), h)
    }
  })
})
