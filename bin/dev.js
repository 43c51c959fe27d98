#!/usr/bin/env node
// Development entry: runs the compiled output after `npm run build` (no ts-node, so start-up stays fast).
import {execute} from '../dist/cli/oclif.js'

await execute({development: true, dir: import.meta.url})
