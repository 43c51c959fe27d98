import {join} from 'node:path'
import {repoRoot} from './tls.js'

/** Absolute directory holding the fake `az` script; prepend it to PATH of child processes. */
export function fakeAzDir(): string {
  return join(repoRoot(), 'test', 'helpers', 'fake-az')
}
