// Starts the ARM emulator and prints one JSON line {url, caCertPath} to stdout; runs until killed.
// Usage: node build/test/emulator/main.js [--latency-ms N] [--token T]
import {startArmEmulator} from './index.js'

const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const latency = arg('--latency-ms')
const emulator = await startArmEmulator({latencyMs: latency ? Number(latency) : 0, token: arg('--token')})
process.stdout.write(JSON.stringify({url: emulator.url, caCertPath: emulator.caCertPath}) + '\n')
const stop = () => {
  emulator.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
