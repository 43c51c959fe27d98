/** Role assignments for the app's pull identity on a registry, and the pull role's definition id. */
import {AuthError, RejectedError} from '../../core/errors.js'
import {readKnobs} from '../../core/knobs.js'
import {ACR_PULL_ROLE_ID, ACR_REPOSITORY_READER_ROLE_NAME} from '../../core/names.js'
import type {Clock, RoleAssignmentPort} from '../../ports/index.js'
import {armClients, stripSlash} from './arm-clients.js'
import {isNotFound, parseArmErrorBody, toAzdeployError} from './arm-errors.js'
import type {ArmAdapterOptions} from './arm-pipeline.js'

export interface RbacAdapterOptions extends ArmAdapterOptions {
  clock: Clock
}

export function createRoleAssignmentAdapter(o: RbacAdapterOptions): RoleAssignmentPort {
  const {auth, call} = armClients(o)
  return {
    async listRoleAssignmentsOf(principalId) {
      try {
        const out = []
        for await (const a of (await auth()).roleAssignments.listForSubscription({
          filter: `principalId eq '${principalId}'`,
          ...call,
        })) {
          if (a.scope && a.name) {
            out.push({id: a.id ?? '', name: a.name, scope: a.scope, roleDefinitionId: a.roleDefinitionId ?? ''})
          }
        }
        return out
      } catch (e) {
        throw toAzdeployError(e, "list the pull identity's role assignments")
      }
    },
    async deleteRoleAssignment(scope, name) {
      try {
        await (await auth()).roleAssignments.delete(stripSlash(scope), name, call)
      } catch (e) {
        if (!isNotFound(e)) throw toAzdeployError(e, `delete role assignment ${name}`)
      }
    },
    async roleAssignmentExists(scope, name) {
      try {
        await (await auth()).roleAssignments.get(stripSlash(scope), name, call)
        return true
      } catch (e) {
        if (isNotFound(e)) return false
        throw toAzdeployError(e, 'read the registry role assignment')
      }
    },
    async assignRole(scope, name, roleDefinitionId, principalId) {
      const client = await auth()
      const retryMs = readKnobs(o.env).roleRetryMs
      for (let attempt = 0; ; attempt++) {
        try {
          await client.roleAssignments.create(
            stripSlash(scope),
            name,
            {roleDefinitionId, principalId, principalType: 'ServicePrincipal'},
            call,
          )
          return 'created'
        } catch (e) {
          const body = parseArmErrorBody((e as {response?: {bodyAsText?: string}}).response?.bodyAsText ?? undefined)
          const code = body.code ?? (e as {code?: string}).code
          if (code === 'RoleAssignmentExists') return 'exists'
          if (code === 'PrincipalNotFound' && attempt < 12) {
            await o.clock.sleep(retryMs, o.signal)
            continue
          }
          const err = toAzdeployError(e, 'assign the pull role on the registry')
          if (err instanceof AuthError) {
            throw new AuthError(
              'ROLE_ASSIGNMENT_DENIED',
              `Not allowed to grant the app's identity pull access on the registry (${err.message})`,
              'Ask an Owner or User Access Administrator of the registry to run azdeploy once, or to assign AcrPull to the identity; or use --registry-auth admin',
              {cause: e},
            )
          }
          throw err
        }
      }
    },
    async pullRoleDefinitionId(scope, abac) {
      if (!abac)
        return `/subscriptions/${o.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`
      try {
        for await (const d of (await auth()).roleDefinitions.list(stripSlash(scope), {
          filter: `roleName eq '${ACR_REPOSITORY_READER_ROLE_NAME}'`,
          ...call,
        })) {
          if (d.id) return d.id
        }
      } catch (e) {
        throw toAzdeployError(e, 'look up the registry reader role')
      }
      throw new RejectedError(
        'ROLE_NOT_FOUND',
        `The registry uses ABAC repository permissions, and the role '${ACR_REPOSITORY_READER_ROLE_NAME}' was not found`,
        'Switch the registry to RBAC registry permissions, or assign a repository reader role yourself',
      )
    },
  }
}
