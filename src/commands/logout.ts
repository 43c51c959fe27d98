import {AzdeployCommand, COMMON_EXIT_CODES} from '../cli/command-base.js'

export default class Logout extends AzdeployCommand<typeof Logout> {
  static override summary = 'Forget the sign-in saved by `azdeploy login`.'
  static override description =
    `Deletes the saved refresh token. Other credentials azdeploy may use are left alone: sign out of those with \`az logout\`, \`azd auth logout\`, or by unsetting AZURE_CLIENT_ID/AZURE_CLIENT_SECRET.`

  static override exitCodes = COMMON_EXIT_CODES
  static override examples = ['<%= config.bin %> logout']

  async run(): Promise<{removed: boolean; file: string}> {
    const {logout} = await import('../app/session.js')
    const result = await logout({env: process.env})
    this.reporter.result([
      result.removed ? `Removed the saved login (${result.file}).` : `No saved azdeploy login (${result.file}).`,
    ])
    return result
  }
}
