import type {Plan, Step} from '../core/plan.js'
import {siteLabel} from '../core/site-ref.js'

/** One line per step: what, which resource, why. Setting values never appear, only names. */
export function describeStep(s: Step): {action: string; resource: string; reason: string} {
  switch (s.kind) {
    case 'create-resource-group':
      return {action: 'create', resource: `resource group ${s.name} (${s.location})`, reason: s.reason}
    case 'create-plan':
      return {
        action: 'create',
        resource: `plan ${s.name} (Linux, ${s.sku} × ${s.capacity}, ${s.location})`,
        reason: s.reason,
      }
    case 'update-plan':
      return {action: 'update', resource: `plan ${s.name}`, reason: s.reason}
    case 'create-identity':
      return {action: 'create', resource: `managed identity ${s.name}`, reason: s.reason}
    case 'assign-acr-pull':
      return {action: 'assign', resource: `role to identity ${s.identityName}`, reason: s.reason}
    case 'create-site':
      return {
        action: 'create',
        resource: `web app ${siteLabel(s.site)} (${String(s.siteConfig.linuxFxVersion).replace(/^DOCKER\|/, '')})`,
        reason: `${s.reason}; settings ${Object.keys(s.settings).sort().join(', ')}`,
      }
    case 'update-site':
      return {
        action: 'update',
        resource: `web app ${siteLabel(s.site)}${s.restarts ? ' (one write, one restart)' : ''}`,
        reason: s.reason,
      }
  }
}

export function formatPlan(plan: Plan): string {
  if (plan.steps.length === 0) return 'Plan: no changes; Azure already matches.'
  const lines = [`Plan: ${plan.steps.length} change${plan.steps.length === 1 ? '' : 's'}`]
  for (const s of plan.steps) {
    const d = describeStep(s)
    const sign = d.action === 'create' ? '+' : '~'
    lines.push(`  ${sign} ${d.action} ${d.resource}: ${d.reason}`)
  }
  if (plan.restarts) lines.push('  (the app restarts once the changes are applied)')
  return lines.join('\n')
}
