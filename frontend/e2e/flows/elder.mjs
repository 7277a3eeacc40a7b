// 长辈模式 (适老化): an elderly resident on a 360×780 phone turns elder mode on
// on the login page, signs in, lands on the three-button home (text ≥ 18 px,
// captions ≥ 16 px, tap targets ≥ 48 px, measured), asks for help by
// category tiles with photos (a JPEG with EXIF sent as it is, a big PNG
// shrunk in the browser, a > 5 MiB file refused before upload), urgent,
// a time from the Chinese picker and a place on the map / by position, and
// sees in plain words that a volunteer took it once the admin dispatches
// and the member accepts (through the API). Screens audited with axe-core,
// screenshots in Chinese and English.
import { deflateSync } from 'node:zlib'
import { flow, phone, demo } from '../lib.mjs'

// --- fixtures made here --------------------------------------------------------
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
/** An RGB PNG of w×h; `noise` makes it incompressible (big). */
function png(w, h, noise = false) {
  const raw = Buffer.alloc((w * 3 + 1) * h)
  let seed = 7
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0
    for (let x = 0; x < w * 3; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0
      raw[y * (w * 3 + 1) + 1 + x] = noise ? seed >>> 24 : (x * 3 + y) & 0xff
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: noise ? 0 : 6 })), chunk('IEND', Buffer.alloc(0))])
}
/** Puts an EXIF APP1 segment (camera make "LinliCam") right after a JPEG's SOI. */
function withExif(jpeg) {
  const make = Buffer.from('LinliCam\0', 'ascii')
  const tiff = Buffer.alloc(8 + 2 + 12 + 4)
  tiff.write('MM', 0, 'ascii')
  tiff.writeUInt16BE(42, 2)
  tiff.writeUInt32BE(8, 4)
  tiff.writeUInt16BE(1, 8) // one IFD entry
  tiff.writeUInt16BE(0x010f, 10) // Make
  tiff.writeUInt16BE(2, 12) // ASCII
  tiff.writeUInt32BE(make.length, 14)
  tiff.writeUInt32BE(tiff.length, 18) // the string follows the IFD
  tiff.writeUInt32BE(0, 22)
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'ascii'), tiff, make])
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)])
}

await flow('elder', async ({ base, browser, shot, api, tokenOf, audit, chineseLeft }, step) => {
  step('turn on elder mode on the login page')
  const ctx = await browser.newContext({ ...phone, geolocation: { latitude: 30.2752, longitude: 120.1563 }, permissions: ['geolocation'] })
  const page = await ctx.newPage()
  page.setDefaultTimeout(15000)
  await page.goto(`${base}/#/login`)
  await page.click('[data-testid=elder-switch]')
  await page.waitForFunction(() => document.documentElement.classList.contains('elder'))
  if ((await page.getAttribute('[data-testid=elder-switch]', 'aria-checked')) !== 'true') throw new Error('switch not on')
  await shot(page, 'elder-1-login')
  await audit(page, 'login (elder mode)')

  step('sign in: the three-button home')
  await page.fill('input[name=phone]', demo.resident)
  await page.fill('input[name=password]', 'linli-demo')
  await page.click('button[type=submit]')
  await page.waitForURL(/#\/elder$/)
  await page.waitForSelector('[data-testid=elder-call]')
  await page.waitForSelector('.elder-home .van-loading', { state: 'detached' })
  const rt = await tokenOf(demo.resident)
  let me = await api(rt, 'GET', '/me')
  for (let i = 0; i < 20 && me.elder_mode === false; i++) {
    await new Promise((r) => setTimeout(r, 100)) // the choice is saved right after sign-in
    me = await api(rt, 'GET', '/me')
  }
  if ('elder_mode' in me) {
    if (me.elder_mode !== true) throw new Error(`elder_mode not saved: ${JSON.stringify(me)}`)
  } else console.warn('e2e elder: GET /me has no elder_mode yet (contract B1): kept in localStorage only')

  step('sizes on the home: text ≥ 18 px, captions ≥ 16 px, tap targets ≥ 48 px')
  const sizes = await page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect()
      const st = getComputedStyle(el)
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'
    }
    const body = parseFloat(getComputedStyle(document.body).fontSize)
    const small = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || !n.textContent.trim() || !visible(el) || el.closest('[aria-hidden=true],script,style')) continue
      const fs = parseFloat(getComputedStyle(el).fontSize)
      if (fs < 16) small.push(`${n.textContent.trim().slice(0, 20)} ${fs}px`)
    }
    const tiny = []
    for (const el of document.querySelectorAll('a[href], button, [role=button], [role=switch], [role=tab], input, select, textarea, .van-tabbar-item')) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      if (r.height < 48 || r.width < 48) tiny.push(`${(el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 20)} ${Math.round(r.width)}×${Math.round(r.height)}`)
    }
    const big = [...document.querySelectorAll('.big-action')].map((el) => Math.round(el.getBoundingClientRect().height))
    const title = parseFloat(getComputedStyle(document.querySelector('.big-action strong')).fontSize)
    return { body, small, tiny, big, title }
  })
  if (sizes.body < 18) throw new Error(`body font ${sizes.body}px`)
  if (sizes.small.length) throw new Error(`text under 16 px: ${sizes.small.join('; ')}`)
  if (sizes.tiny.length) throw new Error(`tap targets under 48 px: ${sizes.tiny.join('; ')}`)
  if (sizes.big.length !== 3 || sizes.big.some((h) => h < 72) || sizes.title < 22) throw new Error(`big actions ${JSON.stringify(sizes)}`)
  const tel = await page.getAttribute('[data-testid=elder-call]', 'href')
  if (!/^tel:\+?\d{3,}$/.test(tel)) throw new Error(`call link ${tel}`)
  await shot(page, 'elder-2-home-zh')
  await audit(page, 'elder home')

  step('ask for help by tiles')
  await page.click('[data-testid=elder-ask]')
  await page.waitForURL(/#\/requests\/new$/)
  await page.click('button[type=submit]') // nothing chosen: told in words
  await page.waitForSelector('[data-testid=category-error]')
  await page.click('[data-testid=category-errands]')
  if ((await page.getAttribute('[data-testid=category-errands]', 'aria-pressed')) !== 'true') throw new Error('tile not pressed')
  await page.waitForSelector('[data-testid=category-error]', { state: 'detached' })
  await page.fill('textarea[name=description]', '帮我买一袋米和两斤鸡蛋，送到家里')
  await page.fill('input[name=address]', '阳光社区1号楼302')
  await page.click('[data-testid=urgent]')

  step('when: the Chinese date and time picker')
  await page.click('[data-testid=when]')
  await page.waitForSelector('.van-picker-group')
  const columns = await page.locator('.van-picker-group .van-picker-column__item--selected').allInnerTexts()
  if (!columns.some((c) => /^\d+月$/.test(c.trim())) || !columns.some((c) => /^上午9点$/.test(c.trim()))) throw new Error(`picker columns ${columns}`)
  await shot(page, 'elder-3-time-picker')
  await audit(page, 'time picker')
  await page.click('.van-picker-group .van-picker__confirm')
  await page.waitForSelector('.van-picker-group', { state: 'hidden' })
  const whenText = (await page.innerText('[data-testid=when-value]')).trim()
  if (!/^\d+月\d+日 上午9:00$/.test(whenText)) throw new Error(`time shows ${whenText}`)

  step('where: tap the map, then use my position')
  const map = page.locator('[data-testid=location-map] .leaflet-container')
  await map.scrollIntoViewIfNeeded()
  await map.click({ position: { x: 120, y: 90 } })
  await page.waitForSelector('[data-testid=location-value]:has-text("已标出位置")')
  await page.click('[data-testid=use-my-position]')
  await page.waitForSelector('[data-testid=location-value]:has-text("30.27520, 120.15630")')

  step('photos: a JPEG with EXIF, a big PNG shrunk, one too large refused')
  const jpeg = withExif(Buffer.from(await page.evaluate(async () => {
    const c = document.createElement('canvas')
    c.width = 320
    c.height = 240
    const g = c.getContext('2d')
    g.fillStyle = '#c96'
    g.fillRect(0, 0, 320, 240)
    g.fillStyle = '#236'
    g.fillRect(40, 40, 120, 90)
    const b = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.9))
    return [...new Uint8Array(await b.arrayBuffer())]
  })))
  const bigPng = png(1400, 1000, true) // ~4 MB: shrunk to a JPEG before upload
  await page.setInputFiles('[data-testid=photo-input]', [
    { name: 'kitchen.jpg', mimeType: 'image/jpeg', buffer: jpeg },
    { name: 'big.png', mimeType: 'image/png', buffer: bigPng },
  ])
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=photo-thumb]').length === 2)
  await page.setInputFiles('[data-testid=photo-input]', { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(5 * 1024 * 1024 + 100, 1) })
  await page.waitForSelector('[data-testid=photo-problem]:has-text("5 MB")')
  if ((await page.locator('[data-testid=photo-thumb]').count()) !== 2) throw new Error('the too-large photo was kept')
  await shot(page, 'elder-4-new-request')
  await audit(page, 'new request (elder mode)')

  step('post it')
  await page.click('button[type=submit]')
  // photos the server refused stay on the page, said in words, with 重试
  const refused = page.locator('[data-testid=photos-not-sent]')
  await Promise.race([page.waitForURL(/#\/requests\/\d+$/), refused.waitFor()])
  if (await refused.isVisible()) {
    console.warn(`e2e elder: photos refused: ${await refused.innerText()}`)
    await shot(page, 'elder-4b-photos-not-sent')
    await audit(page, 'photos not sent')
    await page.click('[data-testid=open-posted]')
    await page.waitForURL(/#\/requests\/\d+$/)
  }
  const id = Number(page.url().match(/requests\/(\d+)$/)[1])
  const posted = await api(rt, 'GET', `/requests/${id}`)
  if (posted.category.code !== 'errands' || posted.urgency !== 'urgent') throw new Error(`posted ${JSON.stringify(posted)}`)
  if (!posted.preferred_time || new Date(posted.preferred_time).getMinutes() !== 0) throw new Error(`preferred_time ${posted.preferred_time}`)
  if (!posted.title.startsWith('帮我买一袋米')) throw new Error(`title ${posted.title}`)
  if (!posted.location || Math.abs(posted.location.lat - 30.2752) > 1e-4 || Math.abs(posted.location.lng - 120.1563) > 1e-4) throw new Error(`location ${JSON.stringify(posted.location)}`)
  if ('photos' in posted) {
    if (posted.photos.length !== 2) throw new Error(`photos ${JSON.stringify(posted.photos)}`)
    for (const p of posted.photos) {
      const res = await fetch(`${base}${p.url}`, { headers: { authorization: `Bearer ${rt}` } })
      const bytes = Buffer.from(await res.arrayBuffer())
      if (!res.ok || bytes.length < 100) throw new Error(`photo ${p.url}: ${res.status}`)
      if (bytes.includes(Buffer.from('LinliCam'))) throw new Error('EXIF kept in a stored photo')
    }
  } else console.warn('e2e elder: GET /requests/{id} has no photos yet (contract B2): upload not verified')
  await shot(page, 'elder-5-posted')

  step('the admin dispatches, the member accepts')
  const at = await tokenOf(demo.admin)
  const cands = await api(at, 'GET', `/requests/${id}/candidates?limit=5`)
  const pick = cands.candidates[0].member
  await api(at, 'POST', `/requests/${id}/dispatch`, { assignee_id: pick.user_id })
  const mt = await tokenOf(pick.phone)
  await api(mt, 'POST', `/requests/${id}/accept`, {})

  step('the resident sees it accepted, in plain words')
  await page.goto(`${base}/#/elder`)
  await page.waitForSelector(`[data-testid=recent-${id}] :text("志愿者已接单，将按约定上门")`)
  await shot(page, 'elder-6-home-accepted')
  await page.goto(`${base}/#/requests`)
  // a fresh page: the live toasts of the dispatch and the acceptance (App
  // frame, not this screen) are gone before the audit
  await page.reload()
  await page.waitForSelector('[data-testid=plain-status][data-status=accepted]:has-text("志愿者已接单，将按约定上门")')
  await shot(page, 'elder-7-my-requests')
  await audit(page, 'my requests (elder mode)')

  step('English')
  await page.goto(`${base}/#/elder`)
  await page.click('.lang')
  await page.waitForSelector('[data-testid=elder-ask]:has-text("Ask for help")')
  await page.waitForSelector(`[data-testid=recent-${id}] :text("A volunteer took it")`)
  // 中文 is the language switch itself
  const left = (await chineseLeft(page)).filter((x) => x !== '中文')
  if (left.length) throw new Error(`Chinese left on the English elder home: ${left.join(' | ')}`)
  await shot(page, 'elder-8-home-en')
  await audit(page, 'elder home (English)')
  await page.goto(`${base}/#/requests/new`)
  await page.waitForSelector('[data-testid=category-errands]:has-text("Errands")')
  await page.click('[data-testid=when]')
  await page.click('.van-picker-group .van-picker__confirm')
  const whenEn = (await page.innerText('[data-testid=when-value]')).trim()
  if (!/^[A-Z][a-z]{2} \d+(, \d{4})?, 9:00 AM$/.test(whenEn)) throw new Error(`English time shows ${whenEn}`)
  const leftNew = (await chineseLeft(page)).filter((x) => x !== '中文')
  if (leftNew.length) throw new Error(`Chinese left on the English new-request page: ${leftNew.join(' | ')}`)
  await shot(page, 'elder-9-new-request-en')
  await audit(page, 'new request (English)')

  step('elder mode off in the account is remembered')
  await page.goto(`${base}/#/account`)
  await page.waitForSelector('[data-testid=elder-switch][aria-checked=true]')
  await shot(page, 'elder-10-account-en')
  await audit(page, 'account (elder mode)')
  await page.click('[data-testid=elder-switch]')
  await page.waitForFunction(() => !document.documentElement.classList.contains('elder'))
  if ('elder_mode' in me) {
    let after = await api(rt, 'GET', '/me')
    for (let i = 0; i < 20 && after.elder_mode !== false; i++) {
      await new Promise((r) => setTimeout(r, 100))
      after = await api(rt, 'GET', '/me')
    }
    if (after.elder_mode !== false) throw new Error('elder mode off not saved')
  }
  await ctx.close()
})
