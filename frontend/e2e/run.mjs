// Every end-to-end flow, one after another, each against its own demo
// server: e2e/loop.mjs (the whole service loop) and each file in e2e/flows/.
// `npm run e2e -- desk` runs only the flows whose file name contains "desk".
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const only = process.argv.slice(2)
const files = ['e2e/loop.mjs', ...readdirSync('e2e/flows').filter((f) => f.endsWith('.mjs')).sort().map((f) => `e2e/flows/${f}`)]
const chosen = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files
const failed = []
for (const file of chosen) {
  console.log(`== ${file}`)
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' })
  if (r.status !== 0) failed.push(file)
}
if (failed.length) {
  console.error(`e2e failed: ${failed.join(', ')}`)
  process.exit(1)
}
console.log(`e2e: ${chosen.length} flows passed`)
