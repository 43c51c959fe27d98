/** The analyzer's inner functions, re-exported for its unit tests (index.ts exports them as `internals`). */
export {isAllInterfaces, isLoopback, parseHostPort, parseUrls} from './address.js'
export {addMonths, endOfLife} from './eol.js'
export {parseImageRef} from './image-ref.js'
export {parseDockerfile} from './parse.js'
export {installsWebServer} from './rules/logs.js'
export {program} from './servers/index.js'
export {expandVars, MAX_EXPANSION_DEPTH, parseShell} from './shell.js'
