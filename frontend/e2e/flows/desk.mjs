// The admin desk at 1366×900: side navigation by keyboard, 全部需求 with
// filters in the address, the request drawer (excluded members and why,
// dispatch, publish), the map, 代下单 for a resident, and the auto-dispatch
// preview as a table whose apply shows a row that failed. Phones keep the
// bottom tab bar.
import { flow, phone, desk, demo } from '../lib.mjs'

await flow('desk', async ({ base, signIn, shot, api, tokenOf, audit, chineseLeft }, step) => {
  const at = await tokenOf(demo.admin)
  const check = (ok, what) => {
    if (!ok) throw new Error(what)
  }
  // Vant's toasts and notifications are unnamed dialogs: audit once they are gone.
  const settled = (p) =>
    p.waitForFunction(() => ![...document.querySelectorAll('.van-toast, .van-notify')].some((e) => getComputedStyle(e).display !== 'none'), null, { timeout: 8000 })

  step('the admin gets a side navigation at desk width')
  const page = await signIn(desk, demo.admin)
  await page.waitForSelector('[data-testid=side-nav]')
  check(!(await page.locator('.van-tabbar').count()), 'no bottom tab bar on the desk')
  for (const group of ['工作台', '人员', '规则与积分', '统计', '账户']) await page.waitForSelector(`.side-heading:has-text("${group}")`)
  await settled(page)
  await audit(page, 'desk home with side nav')

  step('Tab to a nav link, Enter navigates')
  await page.evaluate(() => document.activeElement?.blur())
  let reached = false
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab')
    reached = await page.evaluate(() => document.activeElement?.getAttribute('href') === '#/admin/requests')
  }
  check(reached, 'Tab never reached 全部需求 in the side nav')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.hash.startsWith('#/admin/requests'))
  await page.waitForSelector('[data-testid=requests-table]')
  check((await page.getAttribute('.side-link.active', 'href')) === '#/admin/requests', 'the link is marked current')
  await shot(page, 'desk-1-requests')
  await settled(page)
  await audit(page, '全部需求')

  step('filter by status: the address keeps it')
  await page.selectOption('[data-testid=filter-status]', 'pending')
  await page.waitForURL((u) => u.hash.includes('status=pending'))
  await page.waitForFunction(() => {
    const s = [...document.querySelectorAll('[data-testid=requests-table] [data-status]')].map((e) => e.getAttribute('data-status'))
    return s.length > 0 && s.every((x) => x === 'pending')
  })
  // A reload keeps the filter (it lives in the address).
  await page.reload()
  await page.waitForSelector('[data-testid=requests-table]')
  check((await page.inputValue('[data-testid=filter-status]')) === 'pending', 'status filter restored from the address')

  step('filter by text')
  const textSupported = await api(at, 'GET', '/requests?q=x&limit=1').then(() => true, () => false)
  await page.fill('[data-testid=filter-q]', '楼道灯')
  await page.press('[data-testid=filter-q]', 'Enter')
  await page.waitForURL((u) => decodeURIComponent(u.hash).includes('q=楼道灯'))
  if (textSupported) {
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=requests-table] tbody tr')]
      return rows.length > 0 && rows.every((r) => r.textContent.includes('楼道灯') || r.textContent.includes('楼道的灯'))
    })
  } else {
    // This server has no text search yet (contract B3): the list says so, with a retry.
    console.log('e2e desk: the server rejects q= (B3 not in this build); checking the retry state instead')
    await page.waitForSelector('[data-testid=list-error]')
    await page.waitForSelector('[data-testid=list-retry]')
  }
  await shot(page, 'desk-2-filtered')
  await page.click('[data-testid=filter-clear]')
  await page.waitForURL((u) => !u.hash.includes('q='))

  step('filter by the day posted, picked on a calendar (shown in Chinese)')
  const today = new Date()
  const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
  await page.click('[data-testid=filter-dates]')
  // It opens on today: confirm.
  await page.click('.van-calendar__confirm')
  await page.waitForURL((u) => u.hash.includes(`from=${ymd}`) && u.hash.includes(`to=${ymd}`))
  const label = await page.textContent('[data-testid=filter-dates]')
  check(label.includes(`${today.getMonth() + 1}月${today.getDate()}日`), `the range reads in Chinese: ${label}`)
  await page.waitForSelector('.van-calendar', { state: 'hidden' })
  if (textSupported) await page.waitForSelector('[data-testid=requests-table] tbody tr')
  else await page.waitForSelector('[data-testid=list-error]')
  await settled(page)
  await audit(page, '全部需求 with a date range')
  await page.click('[data-testid=filter-clear]')
  await page.waitForURL((u) => !u.hash.includes('from='))

  step('open the drawer: who is left out and why, dispatch from it')
  await page.selectOption('[data-testid=filter-status]', 'pending')
  await page.waitForURL((u) => u.hash.includes('status=pending'))
  const pending = (await api(at, 'GET', '/requests?status=pending&limit=100')).items
  const electrical = pending.find((r) => r.category.code === 'electrical_repair')
  check(electrical, 'a pending electrical repair in the demo')
  await page.click(`[data-testid=open-${electrical.id}]`)
  await page.waitForURL((u) => u.hash.includes(`open=${electrical.id}`))
  const drawer = page.locator('[data-testid=drawer]')
  await drawer.locator('[data-testid=drawer-candidates] [data-testid=excluded-summary]:has-text("无有效资质")').waitFor()
  await drawer.locator('[data-reason=qualification]:has-text("赵敏")').waitFor()
  await drawer.locator('[data-reason=qualification]:has-text("电工证")').first().waitFor()
  await drawer.locator('[data-testid=candidate-facts]:has-text("距离")').first().waitFor()
  await drawer.locator('[data-testid=candidate-facts]:has-text("在办")').first().waitFor()
  await drawer.locator('[data-testid=drawer-phone]').waitFor()
  check((await drawer.locator('[data-testid=drawer-phone]').getAttribute('href')).startsWith('tel:'), 'the phone is a tel: link')
  await shot(page, 'desk-3-drawer-candidates')
  await settled(page)
  await audit(page, 'request drawer')
  const pick = drawer.locator('[data-testid^=dispatch-]').first()
  const memberId = Number((await pick.getAttribute('data-testid')).replace('dispatch-', ''))
  await pick.click()
  await drawer.locator('[data-testid=drawer-status]:has-text("已派单")').waitFor()
  await drawer.locator('[data-testid=drawer-timeline]:has-text("派单")').waitFor()
  const after = await api(at, 'GET', `/requests/${electrical.id}`)
  check(after.status === 'dispatched' && after.assignee.id === memberId, 'dispatched to the member picked in the drawer')
  // Escape closes the drawer and the address forgets it.
  await page.keyboard.press('Escape')
  await page.waitForURL((u) => !u.hash.includes('open='))

  step('publish another to the task hall from the drawer')
  const other = pending.find((r) => r.id !== electrical.id && r.allowed_actions.includes('publish'))
  await page.click(`[data-testid=open-${other.id}]`)
  await drawer.locator('[data-testid=drawer-publish]').click()
  await drawer.locator('[data-testid=drawer-status]:has-text("待认领")').waitFor()
  const pub = await api(at, "GET", `/requests/${other.id}`)
  check(pub.status === "open", `published to the task hall: #${other.id} is ${pub.status}`)
  await drawer.locator('[data-testid=drawer-close]').click()
  await page.waitForURL((u) => !u.hash.includes('open='))

  step('the map shows requests and members; a pin opens the drawer')
  await page.click('.side-link[href="#/admin/map"]')
  await page.waitForSelector('[data-testid=desk-map]')
  await page.waitForFunction(() => document.querySelectorAll('path.pin-request').length > 0 && document.querySelectorAll('path.pin-member').length > 0)
  const pins = await page.locator('path.pin-request').count()
  const members = await page.locator('path.pin-member').count()
  console.log(`e2e desk: map shows ${pins} request pins and ${members} member pins`)
  await shot(page, 'desk-4-map')
  await settled(page)
  await audit(page, 'map')
  const pinned = (await api(at, 'GET', '/requests?status=pending&limit=100')).items.find((r) => r.location)
  check(pinned, 'a pending request with a location')
  await page.locator(`path.pin-request-${pinned.id}`).dispatchEvent('click')
  await drawer.locator(`.drawer-title:has-text("#${pinned.id}")`).waitFor()
  await shot(page, 'desk-5-map-drawer')
  await drawer.locator('[data-testid=drawer-close]').click()
  await drawer.waitFor({ state: 'hidden' })

  step('代下单 for the demo resident')
  await page.click('.side-link[href="#/admin/order"]')
  await page.fill('[data-testid=resident-search]', demo.resident)
  await page.click('[data-testid=resident-3]')
  await page.waitForSelector('[data-testid=order-form]')
  await settled(page)
  await audit(page, '代下单')
  await page.click('[data-testid=order-submit]')
  await page.waitForSelector('.err:has-text("请填写")') // checked on the device first
  await page.selectOption('[data-testid=order-category]', 'errands')
  await page.fill('[data-testid=order-title]', '电话代下单：帮买降压药')
  await page.fill('[data-testid=order-address]', '阳光社区3号楼2单元')
  await page.check('[data-testid=order-urgent]')
  await shot(page, 'desk-6-order')
  await page.click('[data-testid=order-submit]')
  await page.waitForURL((u) => u.hash.startsWith('#/admin/requests') && u.hash.includes('open='))
  const newId = Number(new URL(page.url().replace('#', '')).searchParams.get('open'))
  await drawer.locator('.drawer-title:has-text("帮买降压药")').waitFor()
  const ordered = await api(at, 'GET', `/requests/${newId}`)
  check(ordered.resident.id === 3 && ordered.urgency === 'urgent', 'posted for 王秀英, urgent')
  await drawer.locator('[data-testid=drawer-close]').click()

  step('auto-dispatch: the preview is a table; apply shows a row that failed')
  await page.click('.side-link[href="#/admin/dispatch"]')
  await page.click('[data-testid=auto-preview]')
  await page.waitForSelector('[data-testid=plan-table] tbody tr')
  await page.waitForSelector('[data-testid=plan-table] td:has-text("米")') // distances arrive
  await shot(page, 'desk-7-auto-preview')
  await settled(page)
  await audit(page, 'auto-dispatch preview')
  const rows = await page.locator('[data-testid=plan-table] tbody tr').count()
  if (rows < 2) console.error(page.url(), await page.locator('[data-testid=auto-plan]').innerHTML().catch(() => 'no plan'))
  check(rows >= 2, `at least two planned rows (got ${rows})`)
  // Someone else dispatches the first planned request between preview and apply.
  const firstId = Number(await page.locator('[data-testid=plan-table] tbody tr').first().getAttribute('data-request'))
  const plan = await api(at, 'POST', '/dispatch/auto', { dry_run: true })
  const line = plan.plan.find((p) => p.request_id === firstId)
  await api(at, 'POST', `/requests/${firstId}/dispatch`, { assignee_id: line.member.user_id })
  await page.click('[data-testid=auto-apply]')
  await page.waitForSelector('[data-testid=apply-outcome]')
  const failed = page.locator(`[data-testid=plan-table] tr[data-request="${firstId}"] [data-testid=row-failure]`)
  await failed.waitFor()
  await page.waitForSelector(`[data-testid=plan-table] tr[data-request="${firstId}"]:has-text("已派单")`)
  const outcome = await page.textContent('[data-testid=apply-outcome]')
  check(/失败/.test(outcome), `the summary says some failed: ${outcome}`)
  check((await page.locator('[data-testid=plan-table] tr[data-outcome=ok]').count()) >= 1, 'the other rows went')
  await shot(page, 'desk-8-auto-applied')
  await settled(page)
  await audit(page, 'auto-dispatch applied')

  step('English mode leaves no Chinese on the desk screens')
  await page.click('.lang')
  await page.reload() // no Chinese toasts left over in the page
  await page.click('.side-link[href="#/admin/requests"]')
  await page.waitForSelector('[data-testid=requests-table]')
  await page.waitForSelector('.side-heading:has-text("Work")')
  const leftList = await chineseLeft(page)
  await page.click(`[data-testid=open-${electrical.id}]`)
  await drawer.locator('[data-testid=drawer-timeline]').waitFor()
  const leftDrawer = await chineseLeft(page)
  await shot(page, 'desk-10-english-drawer')
  await drawer.locator('[data-testid=drawer-close]').click()
  await page.click('.side-link[href="#/admin/map"]')
  await page.waitForSelector('[data-testid=map-count]')
  const leftMap = await chineseLeft(page)
  const left = [...new Set([...leftList, ...leftDrawer, ...leftMap])]
  check(!left.length, `Chinese left in English mode: ${left.join(' | ')}`)
  await page.click('.lang')

  step('a phone keeps the bottom tab bar')
  const small = await signIn(phone, demo.admin)
  await small.waitForSelector('.van-tabbar')
  check(!(await small.locator('[data-testid=side-nav]').count()), 'no side nav on a phone')
  await small.goto(`${base}/#/admin/requests`)
  await small.waitForSelector('[data-testid=requests-table]')
  await shot(small, 'desk-9-phone-requests')
})
