// Starts the ARM emulator and prints one JSON line {url, caCertPath} to stdout; runs until killed.
// Usage: node build/test/emulator/main.js [--latency-ms N] [--token T] [--start-delay-ms N]
//        [--log-format classic|docker|platform] [--tail-lines N]
// --latency-ms defaults to env AZDEPLOY_EMULATOR_LATENCY_MS. Control endpoints: see control.ts (/_emulator/...).
import {type LogFormat, startArmEmulator} from './index.js'

const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const num = (name: string) => {
  const v = arg(name)
  return v === undefined ? undefined : Number(v)
}
const emulator = await startArmEmulator({
  latencyMs: num('--latency-ms'),
  token: arg('--token'),
  startDelayMs: num('--start-delay-ms'),
  logFormat: arg('--log-format') as LogFormat | undefined,
  containerLogTailLines: num('--tail-lines'),
})
process.stdout.write(JSON.stringify({url: emulator.url, caCertPath: emulator.caCertPath}) + '\n')
const stop = () => {
  emulator.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
