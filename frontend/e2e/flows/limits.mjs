// Issue 15 as people meet it. 防刷: an elderly resident who keeps typing the
// wrong password is told, in words under the password, to wait — and the
// right password waits too. A revoked sign-in: when the account's password
// is changed on another device, this screen's live stream closes and the
// app goes back to the sign-in page instead of carrying on as before.
import { flow, phone, demo, until } from '../lib.mjs'

await flow('limits', async ({ browser, base, shot, audit, api, tokenOf }, step) => {
  step('five wrong passwords')
  const ctx = await browser.newContext(phone)
  const page = await ctx.newPage()
  await page.goto(`${base}/#/login`)
  const field = (name) => page.locator(`input[name=${name}]`)
  for (let i = 0; i < 5; i++) {
    await field('phone').fill(demo.resident)
    await field('password').fill(`wrong-password-${i}`)
    await page.click('button[type=submit]')
    await until('an answer', async () => !(await page.locator('button[type=submit].van-button--loading').count()))
  }
  const said = page.locator('.van-field__error-message')
  await until('the wait is said under the password', async () => (await said.count()) > 0 && (await said.first().innerText()).includes('尝试次数过多'))
  const text = await said.first().innerText()
  if (!/分钟|秒/.test(text)) throw new Error(`no wait in words: ${text}`)
  await shot(page, 'limits-locked')
  await audit(page, 'login (locked)')

  step('the right password waits too')
  await field('password').fill('linli-demo')
  await page.click('button[type=submit]')
  await until('still locked', async () => (await said.count()) > 0 && (await said.first().innerText()).includes('尝试次数过多'))
  if (!page.url().includes('/login')) throw new Error(`signed in while locked: ${page.url()}`)
  await ctx.close()

  step('a sign-in revoked elsewhere')
  const c2 = await browser.newContext(phone)
  const p2 = await c2.newPage()
  await p2.goto(`${base}/#/login`)
  await p2.locator('input[name=phone]').fill(demo.陈志强)
  await p2.locator('input[name=password]').fill('linli-demo')
  await p2.click('button[type=submit]')
  await p2.waitForURL((u) => !u.hash.includes('login'))
  // The live stream is open; the password is changed on another device.
  await new Promise((r) => setTimeout(r, 1000))
  const other = await tokenOf(demo.陈志强, 'linli-demo')
  const changed = await api(other, 'POST', '/auth/password', { old_password: 'linli-demo', new_password: 'a-brand-new-pass-7' })
  if (!changed.token) throw new Error(`password not changed: ${JSON.stringify(changed)}`)
  await p2.waitForURL((u) => u.hash.includes('login'), { timeout: 10000 })
  await shot(p2, 'limits-revoked')
  await c2.close()
})
