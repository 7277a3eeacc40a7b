// End to end in a real browser (Debian's chromium through playwright-core)
// against a real `linli serve --demo` on a temporary database:
// a resident posts a request, an admin dispatches it from the candidate
// list, the member accepts and completes it, the resident rates it, the
// admin verifies it, and the member's points and honor-board place show
// the credit; a member records a qualification (资质) that the admin
// verifies. Screenshots of the key screens go to e2e/artifacts/.
//
//   LINLI_BIN=../target/debug/linli npm run e2e
import { chromium } from 'playwright-core'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import net from 'node:net'

const bin = process.env.LINLI_BIN
if (!bin || !existsSync(bin)) throw new Error(`set LINLI_BIN to a built linli binary (got ${bin})`)
const dist = resolve('dist')
if (!existsSync(join(dist, 'index.html'))) throw new Error('build the UI first: npm run build')
const chromiumPath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync)
if (!chromiumPath) throw new Error('no chromium: apt-get install chromium')
const artifacts = resolve('e2e/artifacts')
mkdirSync(artifacts, { recursive: true })

const port = await new Promise((ok) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port
    s.close(() => ok(p))
  })
})
const data = mkdtempSync(join(tmpdir(), 'linli-e2e-'))
const base = `http://127.0.0.1:${port}`
const server = spawn(bin, ['serve', '--demo', '--port', String(port)], {
  env: {
    ...process.env,
    LINLI_DATA_DIR: data,
    LINLI_FRONTEND_DIR: dist,
    LINLI_ARGON2_MEMORY_KIB: '1024',
    LINLI_ARGON2_ITERATIONS: '1',
    LINLI_ADMIN_PASSWORD: 'admin-pass-123',
    LINLI_LOG: 'warn',
    DATABASE_URL: '',
    REDIS_URL: '',
    SMTP_URL: '',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})

async function up() {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('linli did not start')
}

const phones = { 陈志强: '13900000011', 赵敏: '13900000012', 孙伟: '13900000013' }
let browser
let step = 'start'
try {
  await up()
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
  const phone = { viewport: { width: 360, height: 780 }, locale: 'zh-CN' }
  const desk = { viewport: { width: 1280, height: 860 }, locale: 'zh-CN' }

  async function signIn(options, who) {
    const ctx = await browser.newContext(options)
    const page = await ctx.newPage()
    page.setDefaultTimeout(15000)
    await page.goto(`${base}/#/login`)
    await page.fill('input[name=phone]', who)
    await page.fill('input[name=password]', 'linli-demo')
    await page.click('button[type=submit]')
    await page.waitForURL((u) => !u.hash.startsWith('#/login'))
    return page
  }
  const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
  const status = (page, label) => page.waitForSelector(`[data-testid=status]:has-text("${label}")`)

  step = 'resident posts'
  const resident = await signIn(phone, '13900000001')
  await resident.goto(`${base}/#/requests/new`)
  await resident.click('[data-testid=category-appliance_repair]')
  await resident.fill('input[name=title]', '厨房水龙头漏水')
  await resident.fill('textarea[name=description]', '关不紧，一直滴水')
  await resident.fill('input[name=address]', '阳光社区1号楼302')
  await shot(resident, '1-resident-new-request')
  await resident.click('button[type=submit]')
  await resident.waitForURL(/#\/requests\/\d+$/)
  const id = resident.url().match(/requests\/(\d+)$/)[1]
  await status(resident, '待派单')

  step = 'admin dispatches from the candidates'
  const admin = await signIn(desk, '13900000000')
  await admin.goto(`${base}/#/requests/${id}`)
  const first = admin.locator('[data-testid^=dispatch-]').first()
  await first.waitFor()
  const cell = admin.locator('.van-cell', { has: first })
  const name = (await cell.locator('.van-cell__title span').first().innerText()).replace(/^\d+\.\s*/, '').trim()
  const memberPhone = phones[name]
  if (!memberPhone) throw new Error(`unexpected first candidate ${name}`)
  await shot(admin, '2-admin-candidates')
  await first.click()
  await status(admin, '已派单')

  step = 'member accepts and completes'
  const member = await signIn(phone, memberPhone)
  await member.goto(`${base}/#/me`)
  const before = Number(await member.locator('[data-testid=points]').innerText())
  await member.goto(`${base}/#/requests/${id}`)
  await member.click('[data-testid=accept]')
  await status(member, '已接单')
  // 签到: the resident reads out the code their page shows; the member types it.
  const visitCode = async (requestId) => {
    await resident.goto(`${base}/#/requests/${requestId}`)
    return (await resident.locator('[data-testid=visit-code-digits]').innerText()).trim()
  }
  const inCode = await visitCode(id)
  await shot(resident, '3a-resident-visit-code')
  await member.click('[data-testid=start]')
  await member.fill('[data-testid=in-code] input', inCode)
  await member.click('[data-testid=start-with-code]')
  await status(member, '服务中')
  await member.waitForSelector('[data-testid=start-with-code]', { state: 'hidden' })
  await member.waitForSelector('[data-testid=check-in]:has-text("居民验证码")')
  const outCode = await visitCode(id)
  await member.fill('input[name=hours]', '2')
  await member.fill('textarea[name=summary]', '更换了阀芯，不再漏水')
  await member.fill('[data-testid=out-code] input', outCode)
  await member.click('[data-testid=complete]')
  await status(member, '待评价')
  await shot(member, '3-member-completed')

  step = 'resident rates'
  await resident.reload()
  await resident.click('[data-testid=review]')
  await status(resident, '待审核')
  await shot(resident, '4-resident-reviewed')

  step = 'admin verifies'
  // Two hours reported, minutes on site: the verify queue says so in words.
  await admin.goto(`${base}/#/admin/verify`)
  const flagged = admin.locator('.van-cell', { hasText: `#${id} ` }).locator('[data-testid=hours-flag-tag]')
  await flagged.waitFor()
  if (!/上报 2 小时，现场 \d+ 分钟/.test(await flagged.innerText())) throw new Error(`flag reads ${await flagged.innerText()}`)
  await shot(admin, '4a-admin-verify-flagged')
  await admin.goto(`${base}/#/requests/${id}`)
  await admin.waitForSelector('[data-testid=hours-flag]:has-text("请核实")')
  await admin.click('[data-testid=verify]')
  await status(admin, '已办结')

  step = 'the member sees the credit'
  await member.goto(`${base}/#/me`)
  await member.waitForSelector(`[data-testid=points]:text("${before + 2}")`)
  await shot(member, '5-member-points')
  await member.goto(`${base}/#/board`)
  await member.waitForSelector('[data-testid=board-me]')
  await shot(member, '6-honor-board')
  step = 'admin sees the check-in rule'
  await admin.goto(`${base}/#/admin/rules`)
  await admin.waitForSelector('input[name=check_in_radius_m]')
  if ((await admin.inputValue('input[name=check_in_radius_m]')) !== '300') throw new Error('radius not shown')
  await admin.waitForSelector('[data-testid=check-in-required]')
  step = 'admin dashboard'
  await admin.goto(`${base}/#/admin/dashboard`)
  await admin.waitForSelector('[data-testid=completion]')
  await admin.waitForSelector('.chart canvas')
  await admin.waitForTimeout(1200) // let the bars grow
  await shot(admin, '7-admin-dashboard')
  console.log(`e2e: request #${id} went round the loop; ${name} ${before} → ${before + 2} points, on the board`)

  step = 'the resident sees the confirmation; the member gives it back with a reason'
  const api = async (token, method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const tokenOf = async (p) =>
    (await api('', 'POST', '/auth/login', { phone: p, password: 'linli-demo' })).token
  const [rt, at, mt] = await Promise.all(['13900000001', '13900000000', memberPhone].map(tokenOf))
  const memberId = (await api(mt, 'GET', '/me')).id
  const soon = new Date(Date.now() + 3 * 3600 * 1000).toISOString()
  const second = await api(rt, 'POST', '/requests', {
    category: 'elderly_care', title: '陪老人去医院复查', address: '阳光社区1号楼302', preferred_time: soon,
  })
  await api(at, 'POST', `/requests/${second.id}/dispatch`, { assignee_id: memberId })
  await member.goto(`${base}/#/requests/${second.id}`)
  await member.click('[data-testid=accept]')
  await status(member, '已接单')
  await resident.goto(`${base}/#/requests/${second.id}`)
  await resident.waitForSelector('[data-testid=confirmed]:has-text("已确认，将于")')
  await shot(resident, '8-resident-confirmed')
  await member.click('[data-testid=withdraw]')
  await member.click('[data-testid=reason-submit]') // empty: asked for a reason under the field, nothing sent
  await member.waitForSelector('[data-testid=reason] .van-field__error-message:has-text("请写明原因")')
  await member.fill('[data-testid=reason] textarea', '家里老人突然住院')
  await member.click('[data-testid=reason-submit]')
  // Given back, the request is no longer the member's to see: back to 我的任务, told so.
  await member.waitForURL((u) => u.hash === '#/tasks')
  await member.waitForSelector('.van-toast:has-text("已退单")')
  await shot(member, '9-member-withdrew')
  if ((await api(at, 'GET', `/requests/${second.id}`)).status !== 'pending') throw new Error('withdrawn request not pending')

  step = 'the admin takes an accepted request back'
  await api(at, 'POST', `/requests/${second.id}/dispatch`, { assignee_id: memberId })
  await api(mt, 'POST', `/requests/${second.id}/accept`, {})
  await admin.goto(`${base}/#/requests/${second.id}`)
  await admin.click('[data-testid=reclaim]')
  await admin.fill('[data-testid=reason] textarea', '改派离得更近的志愿者')
  await admin.click('[data-testid=reason-submit]')
  await status(admin, '待派单')
  await admin.waitForSelector('text=改派离得更近的志愿者')
  await admin.waitForSelector('text=社区收回')
  await admin.waitForSelector('.van-popup', { state: 'hidden' })
  await shot(admin, '10-admin-reclaimed')
  console.log(`e2e: request #${second.id} confirmed to the resident, withdrawn with a reason, reclaimed by the admin`)

  step = 'a member records a qualification; the admin sees who is left out and verifies it'
  const zhao = await signIn(phone, phones.赵敏)
  await zhao.goto(`${base}/#/me`)
  await zhao.click('[data-testid=my-qualifications]')
  await zhao.waitForSelector('[data-testid=qualification-status]')
  await zhao.click('[data-testid=add-qualification]')
  await zhao.selectOption('select[name=kind]', 'electrician_certificate')
  await zhao.fill('input[name=number]', 'T330106199203154321')
  await zhao.fill('input[name=issuer]', '浙江省应急管理厅')
  await zhao.fill('input[name=expires_on]', new Date(Date.now() + 400 * 86400e3).toISOString().slice(0, 10))
  await zhao.click('[data-testid=save-qualification]')
  await zhao.waitForSelector('.van-cell:has-text("电工证") [data-testid=qualification-status]:has-text("待审核")')
  await zhao.waitForSelector('.van-popup', { state: 'hidden' })
  await shot(zhao, '11-member-qualifications')
  const repair = await api(rt, 'POST', '/requests', { category: 'electrical_repair', title: '插座松动冒火花', address: '阳光社区2号楼101' })
  await admin.goto(`${base}/#/requests/${repair.id}`)
  await admin.waitForSelector('[data-testid=excluded-summary]:has-text("无有效资质")')
  await admin.waitForSelector('[data-reason=qualification]:has-text("赵敏")')
  await shot(admin, '12-admin-candidates-excluded')
  await admin.goto(`${base}/#/admin`)
  await admin.click('[data-testid=admin-qualifications]')
  const pendingCell = admin.locator('.van-cell', { hasText: '赵敏' }).filter({ hasText: '电工证' }).first()
  await pendingCell.waitFor()
  await shot(admin, '13-admin-qualifications')
  await pendingCell.locator('[data-testid^=verify-]').click()
  await admin.waitForSelector('.van-toast:has-text("操作成功")')
  await admin.goto(`${base}/#/requests/${repair.id}`)
  await admin.waitForSelector('.van-cell__title:has-text("赵敏") >> xpath=ancestor::*[contains(@class,"van-cell")]//*[starts-with(@data-testid,"dispatch-")]')
  console.log(`e2e: 赵敏's 电工证 recorded, left out of #${repair.id}'s candidates, verified, then a candidate`)

  step = 'the resident disputes a completion; the admin upholds it and the work goes back'
  const done = async (title, stars) => {
    const q = await api(rt, 'POST', '/requests', { category: 'elderly_care', title, address: '阳光社区1号楼302' })
    await api(at, 'POST', `/requests/${q.id}/dispatch`, { assignee_id: memberId })
    for (const a of ['accept', 'start']) await api(mt, 'POST', `/requests/${q.id}/${a}`, {})
    await api(mt, 'POST', `/requests/${q.id}/complete`, { hours: 1, summary: '已打扫干净' })
    if (stars) {
      await api(rt, 'POST', `/requests/${q.id}/review`, { stars })
      await api(at, 'POST', `/requests/${q.id}/verify`, {})
    }
    return q.id
  }
  const cleaning = await done('帮忙打扫厨房', 0)
  await resident.goto(`${base}/#/requests/${cleaning}`)
  await resident.click('[data-testid=dispute]')
  await resident.fill('[data-testid=reason] textarea', '厨房没有打扫，地上还是油')
  await resident.click('[data-testid=reason-submit]')
  await resident.waitForSelector('[data-testid=disputed]')
  await resident.waitForSelector('[data-testid=appeal-status]:has-text("待裁定")')
  await shot(resident, '14-resident-disputed')
  await admin.goto(`${base}/#/requests/${cleaning}`)
  await admin.waitForSelector('[data-testid=disputed]')
  if (await admin.locator('[data-testid=verify]').count()) throw new Error('verify offered while disputed')
  await admin.fill('[data-testid=rule-reason] textarea', '电话核实属实，请返工')
  await admin.click('[data-testid=rule-submit]')
  await status(admin, '服务中')
  await admin.waitForSelector('[data-testid=appeal-status]:has-text("成立")')
  await shot(admin, '15-admin-dispute-upheld')
  console.log(`e2e: request #${cleaning} disputed by the resident, upheld by the admin, back in progress`)
  await api(mt, 'POST', `/requests/${cleaning}/complete`, { hours: 1, summary: '重新打扫，地面已清洁' })

  step = 'a member appeals a 1-star rating; the admin upholds the appeal'
  const rated = await done('陪老人散步', 1)
  await member.goto(`${base}/#/requests/${rated}`)
  await member.click('[data-testid=appeal-rating]')
  await member.fill('[data-testid=reason] textarea', '按时到了，老人家属误会了')
  await member.click('[data-testid=reason-submit]')
  await member.waitForSelector('[data-testid=appeal-status]:has-text("待裁定")')
  await shot(member, '16-member-appealed')
  await admin.goto(`${base}/#/admin`)
  await admin.click('[data-testid=admin-appeals]')
  const card = admin.locator('[data-testid^=appeal-]', { hasText: '陪老人散步' }).first()
  await card.waitFor()
  await card.locator('[data-testid=outcome-upheld]').click()
  await card.locator('[data-testid=rule-reason] textarea').fill('门禁记录显示按时到达')
  await shot(admin, '17-admin-appeals')
  await card.locator('[data-testid=rule-submit]').click()
  await card.locator('[data-testid=appeal-status]:has-text("成立")').waitFor()
  await member.goto(`${base}/#/me`)
  await member.click('[data-testid=my-appeals]')
  await member.waitForSelector('[data-testid=ruling]:has-text("门禁记录显示按时到达")')
  await shot(member, '18-member-appeal-upheld')
  console.log(`e2e: the 1★ rating of #${rated} appealed by ${name} and upheld`)

  step = 'a neighbour posting the same problem is shown it; the admin merges the duplicate'
  const light = await api(rt, 'POST', '/requests', {
    category: 'environment', title: '7号楼楼道灯坏了', description: '晚上很黑，老人上下楼不安全', address: '阳光社区7号楼1单元',
  })
  const zhang = await signIn(phone, '13900000002')
  await zhang.goto(`${base}/#/requests/new`)
  await zhang.click('[data-testid=category-environment]')
  await zhang.fill('input[name=title]', '七号楼楼道的灯不亮了')
  await zhang.fill('textarea[name=description]', '一单元楼道灯坏了好几天')
  await zhang.fill('input[name=address]', '7号楼1单元')
  await zhang.waitForSelector(`[data-testid=similar]:has-text("邻居已反映过类似问题")`)
  await zhang.waitForSelector(`[data-testid=follow-${light.id}]`)
  await shot(zhang, '19-resident-similar')
  await zhang.click('button[type=submit]')
  await zhang.waitForURL(/#\/requests\/\d+$/)
  const dupId = zhang.url().match(/requests\/(\d+)$/)[1]
  await admin.goto(`${base}/#/requests/${dupId}`)
  await admin.waitForSelector(`[data-testid=possible-duplicate]:has-text("#${light.id}")`)
  await admin.click('[data-testid=merge]')
  await admin.click('.van-dialog__confirm')
  await status(admin, '已合并')
  await admin.waitForSelector('[data-testid=merged]')
  await shot(admin, '20-admin-merged')
  await zhang.goto(`${base}/#/requests/${light.id}`)
  await zhang.waitForSelector('[data-testid=following]')
  await shot(zhang, '21-resident-following')
  console.log(`e2e: #${dupId} flagged as like #${light.id}, merged; its resident follows #${light.id}`)

  step = 'an admin sets up a weekly service paired with a member; the first visit is done with check-in by code'
  // Tomorrow's weekday in the community's time (UTC+8), 1 = Monday … 7 = Sunday.
  const tomorrowWeekday = String(((new Date(Date.now() + (8 + 24) * 3600e3).getUTCDay() + 6) % 7) + 1)
  await admin.goto(`${base}/#/admin`)
  await admin.click('[data-testid=admin-series]')
  await admin.click('[data-testid=new-series]')
  await admin.selectOption('select[name=resident_id]', { label: '王秀英 13900000001' })
  await admin.selectOption('.van-popup select[name=category]', 'elderly_care')
  await admin.fill('.van-popup input[name=title]', '每周陪王奶奶聊天')
  await admin.fill('.van-popup input[name=address]', '阳光社区1号楼302')
  await admin.selectOption('select[name=weekday]', tomorrowWeekday)
  await admin.fill('input[name=time]', '09:00')
  await admin.selectOption('select[name=member_id]', { label: '陈志强' })
  await shot(admin, '22-admin-new-series')
  await admin.click('[data-testid=save-series]')
  const seriesCell = admin.locator('[data-testid^=series-]', { hasText: '每周陪王奶奶聊天' }).first()
  await seriesCell.waitFor()
  await seriesCell.click()
  await admin.waitForSelector('[data-testid=series-history]:has-text("待进行 1 次")')
  const occurrence = admin.locator('[data-testid^=occurrence-]').first()
  await occurrence.waitFor()
  const visitId = (await occurrence.getAttribute('data-testid')).replace('occurrence-', '')
  await shot(admin, '23-admin-series')
  const chen = await signIn(phone, phones.陈志强)
  await chen.goto(`${base}/#/me`)
  await chen.click('[data-testid=my-pairs]')
  await chen.waitForSelector('[data-testid^=series-]:has-text("每周陪王奶奶聊天")')
  await chen.goto(`${base}/#/requests/${visitId}`)
  await chen.waitForSelector('[data-testid=occurrence]')
  await chen.click('[data-testid=accept]')
  await status(chen, '已接单')
  const visitIn = await visitCode(visitId)
  await chen.click('[data-testid=start]')
  await chen.fill('[data-testid=in-code] input', visitIn)
  await chen.click('[data-testid=start-with-code]')
  await status(chen, '服务中')
  await chen.waitForSelector('[data-testid=start-with-code]', { state: 'hidden' })
  const visitOut = await visitCode(visitId)
  await chen.fill('input[name=hours]', '1')
  await chen.fill('textarea[name=summary]', '陪王奶奶聊天，量了血压')
  await chen.fill('[data-testid=out-code] input', visitOut)
  await chen.click('[data-testid=complete]')
  await status(chen, '待评价')
  await chen.waitForSelector('[data-testid=check-in]:has-text("居民验证码")')
  await shot(chen, '24-member-series-visit-done')
  await admin.reload()
  await admin.waitForSelector('[data-testid=series-history]:has-text("已完成 1 次")')
  console.log(`e2e: a weekly series paired with 陈志强; its first visit #${visitId} checked in and out by the resident's codes`)

  step = 'a member far from the place is told so; near it, checks in by position'
  const placed = await api(rt, 'POST', '/requests', {
    category: 'errands', title: '帮忙取快递', address: '阳光社区1号楼302', lat: 30.2741, lng: 120.1551,
  })
  await api(at, 'POST', `/requests/${placed.id}/dispatch`, { assignee_id: memberId })
  await api(mt, 'POST', `/requests/${placed.id}/accept`, {})
  const where = member.context()
  await where.grantPermissions(['geolocation'], { origin: base })
  await where.setGeolocation({ latitude: 30.2841, longitude: 120.1551 }) // about 1.1 km north
  await member.goto(`${base}/#/requests/${placed.id}`)
  await member.click('[data-testid=start]')
  await member.click('[data-testid=start-by-position]')
  await member.waitForSelector('.van-toast:has-text("超出签到范围（300 米）")')
  await shot(member, '25-member-too-far')
  await where.setGeolocation({ latitude: 30.2744, longitude: 120.1551 }) // about 33 m
  await member.waitForSelector('.van-toast', { state: 'hidden' })
  await member.click('[data-testid=start-by-position]')
  await status(member, '服务中')
  await member.waitForSelector('[data-testid=check-in]:has-text("定位")')
  await member.waitForSelector('[data-testid=check-in]:has-text("33 米")')
  await member.locator('[data-testid=start-by-position]').waitFor({ state: 'hidden' })
  await member.waitForSelector('.van-toast', { state: 'hidden' })
  await shot(member, '26-member-checked-in-by-position')
  console.log(`e2e: #${placed.id} refused 1.1 km away, checked in by position 33 m away`)
} catch (e) {
  console.error(`e2e failed at "${step}":`, e)
  process.exitCode = 1
} finally {
  await browser?.close()
  server.kill()
  rmSync(data, { recursive: true, force: true })
}
