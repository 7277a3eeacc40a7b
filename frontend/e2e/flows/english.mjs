// English mode: each role switches to English on the login page and goes
// through its main screens at phone and desk sizes, after some activity so
// inboxes and timelines are not empty. On every screen no Chinese may be
// left outside what people typed (elements marked `data-user`), axe-core
// finds nothing serious, and a screenshot english-<role>-<size>-<screen>.png
// is kept.
//
// To cover a new screen, add a line to SCREENS: [name, path] where path is
// a string or a function of the ids made below (`(ids) => ...`).
import { flow, phone, desk, demo } from '../lib.mjs'

const SCREENS = {
  public: [
    ['login', '/login'],
    ['register', '/register'],
  ],
  resident: [
    ['home', '/'],
    ['new-request', '/requests/new'],
    ['my-requests', '/requests'],
    ['request', (ids) => `/requests/${ids.closed}`],
    ['request-open', (ids) => `/requests/${ids.reclaimed}`],
    ['notifications', '/notifications'],
    ['board', '/board'],
    ['appeals', '/appeals'],
    ['series', '/series'],
    ['account', '/account'],
    ['join', '/join'],
    ['not-found', '/no-such-screen'],
  ],
  member: [
    ['hall', '/hall'],
    ['tasks', '/tasks'],
    ['request', (ids) => `/requests/${ids.dispatched}`],
    ['request-done', (ids) => `/requests/${ids.closed}`],
    ['me', '/me'],
    ['qualifications', '/qualifications'],
    ['board', '/board'],
    ['market', '/market'],
    ['points', '/points'],
    ['notifications', '/notifications'],
    ['series', '/series'],
  ],
  admin: [
    ['dispatch', '/admin/dispatch'],
    ['request', (ids) => `/requests/${ids.reclaimed}`],
    ['request-closed', (ids) => `/requests/${ids.closed}`],
    ['verify', '/admin/verify'],
    ['supervision', '/admin/supervision'],
    ['dashboard', '/admin/dashboard'],
    ['manage', '/admin'],
    ['members', '/admin/members'],
    ['qualifications', '/admin/qualifications'],
    ['rules', '/admin/rules'],
    ['rewards', '/admin/rewards'],
    ['work-orders', '/admin/work-orders'],
    ['grid-workers', '/admin/grid-workers'],
    ['appeals', '/appeals'],
    ['series', '/series'],
    ['notifications', '/notifications'],
  ],
  grid_worker: [
    ['home', '/grid'],
    ['order', '/grid/order'],
    ['visits', '/grid/visits'],
    ['request-closed', (ids) => `/requests/${ids.closed}`],
    ['account', '/account'],
  ],
}

/** Waits until the screen has loaded what it shows (no spinner left). */
export async function settle(page) {
  await page.waitForTimeout(150)
  await page
    .waitForFunction(() => ![...document.querySelectorAll('.van-loading, .van-skeleton')].some((e) => e.offsetParent), null, { timeout: 10000 })
    .catch(() => {})
  await page.waitForTimeout(250)
}

await flow('english', async ({ base, browser, api, tokenOf, audit, chineseLeft, shot }, step) => {
  step('activity: a request declined, reclaimed and closed; another dispatched')
  const [at, rt, mt] = await Promise.all([tokenOf(demo.admin), tokenOf(demo.resident), tokenOf(demo.陈志强)])
  const memberId = (await api(mt, 'GET', '/me')).id
  const post = (title) =>
    api(rt, 'POST', '/requests', { category: 'elderly_care', title, description: '腿脚不便，需要人帮忙', address: '阳光社区1号楼302' })
  const closed = (await post('帮忙买菜送到家')).id
  await api(at, 'POST', `/requests/${closed}/dispatch`, { assignee_id: memberId })
  await api(mt, 'POST', `/requests/${closed}/decline`, { note: '这周出差' })
  await api(at, 'POST', `/requests/${closed}/dispatch`, { assignee_id: memberId })
  for (const a of ['accept', 'start']) await api(mt, 'POST', `/requests/${closed}/${a}`, {})
  await api(mt, 'POST', `/requests/${closed}/complete`, { hours: 1, summary: '已送到' })
  await api(rt, 'POST', `/requests/${closed}/review`, { stars: 5, comment: '很好' })
  await api(at, 'POST', `/requests/${closed}/verify`, {})
  const reclaimed = (await post('陪老人去医院')).id
  await api(at, 'POST', `/requests/${reclaimed}/dispatch`, { assignee_id: memberId })
  await api(mt, 'POST', `/requests/${reclaimed}/accept`, {})
  await api(at, 'POST', `/requests/${reclaimed}/reclaim`, { note: '居民要求换人' })
  const dispatched = (await post('修理水龙头')).id
  await api(at, 'POST', `/requests/${dispatched}/dispatch`, { assignee_id: memberId })
  const ids = { closed, reclaimed, dispatched }

  const failures = []
  async function check(page, name) {
    await settle(page)
    const left = await chineseLeft(page)
    if (left.length) failures.push(`${name}: ${left.join(' | ')}`)
    await audit(page, name)
    await shot(page, name)
  }

  /** A fresh context that switches to English on the login page, then signs in as `who`. */
  async function signInEnglish(options, who) {
    const ctx = await browser.newContext(options)
    const page = await ctx.newPage()
    page.setDefaultTimeout(15000)
    await page.goto(`${base}/#/login`)
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    if (!who) return page
    await page.fill('input[name=phone]', who)
    await page.fill('input[name=password]', 'linli-demo')
    await page.click('button[type=submit]')
    await page.waitForURL((u) => !u.hash.startsWith('#/login'))
    return page
  }

  const who = { public: null, resident: demo.resident, member: demo.陈志强, admin: demo.admin, grid_worker: demo.周丽 }
  for (const [size, options] of [['phone', phone], ['desk', desk]]) {
    for (const [role, screens] of Object.entries(SCREENS)) {
      step(`${role} at ${size} size`)
      const page = await signInEnglish(options, who[role])
      for (const [name, path] of screens) {
        step(`${role} ${name} at ${size} size`)
        await page.goto(`${base}/#${typeof path === 'function' ? path(ids) : path}`)
        await check(page, `english-${role}-${size}-${name}`)
      }
      await page.context().close()
    }
  }

  step("Vant's own words are English too: a confirmation dialog's buttons")
  const page = await signInEnglish(phone, demo.陈志强)
  await page.goto(`${base}/#/market`)
  await settle(page)
  await page.locator('.van-cell .van-button--primary').first().click()
  await page.locator('.van-dialog').waitFor()
  const buttons = (await page.locator('.van-dialog__footer').innerText()).trim()
  if (/[\u3400-\u9fff]/.test(buttons) || !/Confirm|Redeem/.test(buttons) || !/Cancel/.test(buttons))
    failures.push(`english-member-phone-market-dialog: buttons "${buttons}"`)
  await audit(page, 'english-member-phone-market-dialog')
  await shot(page, 'english-member-phone-market-dialog')
  await page.locator('.van-dialog__cancel').click()
  await page.context().close()

  if (failures.length) throw new Error(`Chinese left in English mode:\n${failures.join('\n')}`)
})
