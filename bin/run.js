#!/usr/bin/env node
import {execute} from '../dist/cli/oclif.js'

await execute({dir: import.meta.url})
