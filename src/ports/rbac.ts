/** Azure RBAC: the pull role on a registry for the app's identity. */
export interface RoleAssignmentPort {
  roleAssignmentExists(scope: string, name: string): Promise<boolean>
  /** Idempotent: an existing equivalent assignment counts as success. Retries PrincipalNotFound. */
  assignRole(scope: string, name: string, roleDefinitionId: string, principalId: string): Promise<'created' | 'exists'>
  /** Full role definition id of AcrPull, or of the ABAC-mode repository reader role. */
  pullRoleDefinitionId(scope: string, abac: boolean): Promise<string>
  /** Removes every role assignment held by this principal (the pull identity azdeploy created); returns how many. */
  deleteRoleAssignmentsOf(principalId: string): Promise<number>
}
