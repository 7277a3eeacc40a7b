// Bundle budgets, checked on the built dist/ (scripts/build-ui.sh runs it
// after every build):
// - what the browser loads before the first screen — the entry chunk and
//   every chunk it imports statically — is at most 200 kB gzip;
// - ECharts is loaded only with the dashboard: no chunk that holds it is
//   reachable by static imports from the entry or from any other screen.
// Reads Vite's manifest (build.manifest in vite.config.ts).
import { readFileSync, existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, resolve } from 'node:path'

const dist = resolve(process.argv[2] ?? 'dist')
const ENTRY_BUDGET = 200 * 1000
const DASHBOARD = 'src/views/AdminDashboard.vue'
// Strings only ECharts' own code carries (its internal keys, its log prefix).
const ECHARTS = /__ec_inner_|\[ECharts\]/

const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error(`budget: no ${manifestPath}; build first (npm run build) with build.manifest on`)
  process.exit(2)
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const code = new Map()
const read = (file) => {
  if (!code.has(file)) code.set(file, readFileSync(join(dist, file)))
  return code.get(file)
}
const gz = (file) => gzipSync(read(file)).length
/** The chunk `key` and everything it imports statically (keys). */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen
  seen.add(key)
  for (const k of manifest[key]?.imports ?? []) closure(k, seen)
  return seen
}
const kb = (n) => `${(n / 1000).toFixed(1)} kB`

const problems = []
const entries = Object.keys(manifest).filter((k) => manifest[k].isEntry)
if (!entries.length) problems.push('no entry chunk in the manifest')
for (const entry of entries) {
  const files = [...closure(entry)].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'))
  const size = files.reduce((sum, f) => sum + gz(f), 0)
  console.log(`budget: entry ${manifest[entry].file} with ${files.length - 1} static imports: ${kb(size)} gzip (budget ${kb(ENTRY_BUDGET)})`)
  if (size > ENTRY_BUDGET) problems.push(`the entry loads ${kb(size)} gzip before the first screen, over ${kb(ENTRY_BUDGET)}`)
}

const withEcharts = new Set(Object.keys(manifest).filter((k) => manifest[k].file.endsWith('.js') && ECHARTS.test(read(manifest[k].file).toString('latin1'))))
if (!withEcharts.size) console.log('budget: no ECharts in the build')
for (const k of withEcharts) console.log(`budget: ECharts in ${manifest[k].file}: ${kb(gz(manifest[k].file))} gzip`)
for (const [key, chunk] of Object.entries(manifest)) {
  if (!(chunk.isEntry || chunk.isDynamicEntry) || key === DASHBOARD) continue
  const leaked = [...closure(key)].filter((k) => withEcharts.has(k))
  if (leaked.length) problems.push(`ECharts (${leaked.map((k) => manifest[k].file).join(', ')}) is loaded with ${key}, not only with the dashboard`)
}
if (withEcharts.size && ![...closure(DASHBOARD)].some((k) => withEcharts.has(k))) problems.push(`ECharts is in the build but not with ${DASHBOARD}`)

if (problems.length) {
  for (const p of problems) console.error(`budget: ${p}`)
  process.exit(1)
}
console.log('budget: ok')
