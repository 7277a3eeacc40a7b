// axe-core on every route of the app, at phone and desk sizes: the routes
// are read from src/router.ts and src/routes/*.ts, so a new screen is
// covered as soon as it has a route. Public routes are visited signed out;
// every other route by each role (resident, member, admin), and the role
// guard decides who may open it (a denied role is sent to its own home).
// Zero serious or critical violations; screenshots a11y-<role>-<size>-<path>.png.
//
// A route with a parameter needs a value: PARAMS below (a function of the
// ids made at the start), or the flow stops and says which one is missing.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { flow, phone, desk, demo } from '../lib.mjs'

const PARAMS = {
  '/requests/:id': (ids, role) => `/requests/${role === 'member' ? ids.dispatched : ids.open}`,
  '/series/:id': (ids) => `/series/${ids.series}`,
  '/verify/:number': (ids) => `/verify/${ids.certificate ?? 'LL-0000-000000'}`,
  '/:pathMatch(.*)*': () => '/no-such-screen',
}

/** `[{path, public}]` of every route, from the router's source. */
export function routes() {
  const files = ['src/router.ts', ...(existsSync('src/routes') ? readdirSync('src/routes') : []).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `src/routes/${f}`)]
  const out = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const found = [...text.matchAll(/path:\s*['"`]([^'"`]+)['"`]/g)]
    found.forEach((m, i) => {
      const rest = text.slice(m.index, found[i + 1]?.index ?? text.length)
      if (!m[1].startsWith('/')) return
      out.push({ path: m[1], public: /public:\s*true/.test(rest) })
    })
  }
  return out
}

export async function settle(page) {
  await page.waitForTimeout(150)
  await page
    .waitForFunction(() => ![...document.querySelectorAll('.van-loading, .van-skeleton')].some((e) => e.offsetParent), null, { timeout: 10000 })
    .catch(() => {})
  await page.waitForTimeout(250)
}

await flow('a11y', async ({ base, browser, signIn, api, tokenOf, audit, shot }, step) => {
  step('activity: an open request, one dispatched to a member')
  const [at, rt, mt] = await Promise.all([tokenOf(demo.admin), tokenOf(demo.resident), tokenOf(demo.陈志强)])
  const memberId = (await api(mt, 'GET', '/me')).id
  const post = (title) => api(rt, 'POST', '/requests', { category: 'elderly_care', title, description: '腿脚不便', address: '阳光社区1号楼302' })
  const open = (await post('帮忙买菜送到家')).id
  const dispatched = (await post('陪老人去医院')).id
  await api(at, 'POST', `/requests/${dispatched}/dispatch`, { assignee_id: memberId })
  // 王秀英's weekly visit, paired with 陈志强: all three roles may open it.
  const series = (await api(at, 'GET', '/series')).find((x) => x.resident.name === '王秀英')?.id
  const ids = { open, dispatched, series }

  const all = routes()
  const missing = all.filter((r) => r.path.includes(':') && !PARAMS[r.path]).map((r) => r.path)
  if (missing.length) throw new Error(`a value for each parameter: add ${missing.join(', ')} to PARAMS in e2e/flows/a11y.mjs`)
  const at_ = (r, role) => (PARAMS[r.path] ? PARAMS[r.path](ids, role) : r.path)
  const name = (p) => p.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-') || 'home'

  let visited = 0
  for (const [size, options] of [['phone', phone], ['desk', desk]]) {
    step(`public routes at ${size} size`)
    const ctx = await browser.newContext(options)
    const page = await ctx.newPage()
    for (const r of all.filter((x) => x.public)) {
      await page.goto(`${base}/#${at_(r, null)}`)
      await settle(page)
      await audit(page, `${size} signed out ${r.path}`)
      await shot(page, `a11y-public-${size}-${name(at_(r, null))}`)
      visited++
    }
    await ctx.close()
    for (const [role, who] of [['resident', demo.resident], ['member', demo.陈志强], ['admin', demo.admin]]) {
      step(`${role}'s routes at ${size} size`)
      const page = await signIn(options, who)
      for (const r of all.filter((x) => !x.public || x.path.startsWith('/:'))) {
        const path = at_(r, role)
        await page.goto(`${base}/#${path}`)
        await settle(page)
        // Turned back by the role guard (or a screen that only redirects, like /): not this role's.
        const landed = new URL(page.url()).hash.slice(1).split('?')[0]
        if (landed !== path) continue
        step(`${role} ${path} at ${size} size`)
        await audit(page, `${size} ${role} ${r.path}`)
        await shot(page, `a11y-${role}-${size}-${name(path)}`)
        visited++
      }
      await page.context().close()
    }
  }
  console.log(`a11y: ${all.length} routes, ${visited} screens audited`)
})
