/**
 * The narrow interfaces services need, one file per outside concern. Adapters implement them over the Azure SDKs
 * and HTTP; service tests implement them with small in-memory fakes.
 */
export type * from './app-service.js'
export type * from './context.js'
export type * from './docker.js'
export type * from './identities.js'
export type * from './images.js'
export type * from './kudu.js'
export type * from './push.js'
export type * from './rbac.js'
export type * from './registries.js'
export type * from './system.js'
