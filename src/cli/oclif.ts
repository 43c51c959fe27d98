/**
 * The oclif runtime, loaded from one pre-bundled file (dist/vendor/oclif-core.cjs, made by `npm run build` with
 * esbuild) instead of ~160 separate CommonJS modules: start-up, and so `--help`, is about a third faster.
 * Types still come from the @oclif/core package. Everything in azdeploy imports oclif from here (lint forbids
 * importing @oclif/core itself anywhere else), so one copy of it runs: commands, parsing and help alike.
 */
import {createRequire} from 'node:module'
import type * as OclifCore from '@oclif/core'

const core = createRequire(import.meta.url)('../vendor/oclif-core.cjs') as typeof OclifCore

export const Args: typeof OclifCore.Args = core.Args
export const Command: typeof OclifCore.Command = core.Command
export const Config: typeof OclifCore.Config = core.Config
export const Errors: typeof OclifCore.Errors = core.Errors
export const Flags: typeof OclifCore.Flags = core.Flags
export const Help: typeof OclifCore.Help = core.Help
export const flush: typeof OclifCore.flush = core.flush
export type Help = OclifCore.Help
export type {Interfaces} from '@oclif/core'
