/** Azure RBAC: the pull role on a registry for the app's identity. */
export interface RoleAssignmentInfo {
  id: string
  name: string
  scope: string
  roleDefinitionId: string
}

export interface RoleAssignmentPort {
  roleAssignmentExists(scope: string, name: string): Promise<boolean>
  /** Idempotent: an existing equivalent assignment counts as success. Retries PrincipalNotFound. */
  assignRole(scope: string, name: string, roleDefinitionId: string, principalId: string): Promise<'created' | 'exists'>
  /** Full role definition id of AcrPull, or of the ABAC-mode repository reader role. */
  pullRoleDefinitionId(scope: string, abac: boolean): Promise<string>
  /** Every role assignment this principal holds in the subscription (one list call). */
  listRoleAssignmentsOf(principalId: string): Promise<RoleAssignmentInfo[]>
  /** Deletes one role assignment (gone already counts as done). */
  deleteRoleAssignment(scope: string, name: string): Promise<void>
}
