#!/usr/bin/env node
// Development entry: runs the compiled output after `npm run build` (no ts-node, so start-up stays fast).
import {main} from '../dist/cli/main.js'

await main({dir: import.meta.url, development: true})
