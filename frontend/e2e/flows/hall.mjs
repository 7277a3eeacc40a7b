// 任务大厅 as two members see it on their phones (issue 16 keeps the hall's
// page in memory per community): a request the admin publishes shows in an
// open hall without a reload; one member claims it from the hall; it leaves
// the other member's hall at once, on screen and in the API.
import { flow, phone, demo, until } from '../lib.mjs'

async function titles(page) {
  return (await page.locator('.van-cell').allInnerTexts()).join('\n')
}

await flow('hall', async ({ signIn, api, tokenOf, shot, audit }, step) => {
  step('two members open the hall')
  const chen = await signIn(phone, demo.陈志强)
  const zhao = await signIn(phone, demo.赵敏)
  for (const p of [chen, zhao]) await p.goto(p.url().split('#')[0] + '#/hall')
  for (const p of [chen, zhao]) await until('the hall is shown', async () => (await p.locator('.van-cell, .van-empty').count()) > 0)

  step('a resident posts, the admin publishes')
  const [resident, admin] = [await tokenOf(demo.resident), await tokenOf(demo.admin)]
  const title = `大厅测试：换灯泡 ${Date.now() % 100000}`
  const posted = await api(resident, 'POST', '/requests', { category: 'appliance_repair', title, description: '客厅灯不亮', address: '2号楼101' })
  await api(admin, 'POST', `/requests/${posted.id}/publish`, {})

  step('both halls show it without a reload')
  for (const p of [chen, zhao]) await until(`the hall shows ${title}`, async () => (await titles(p)).includes(title))
  await shot(chen, 'hall-1-published')

  step('陈志强 claims it from the hall')
  await chen.locator('.van-cell', { hasText: title }).first().click()
  await chen.waitForURL((u) => u.hash.startsWith(`#/requests/${posted.id}`))
  await chen.click('[data-testid=claim]')
  await until('claimed', async () => (await api(admin, 'GET', `/requests/${posted.id}`)).status === 'accepted')
  await shot(chen, 'hall-2-claimed')

  step('it leaves both halls')
  await chen.goto(chen.url().split('#')[0] + '#/hall')
  for (const p of [chen, zhao]) await until(`${title} leaves the hall`, async () => !(await titles(p)).includes(title))
  const list = await api(await tokenOf(demo.赵敏), 'GET', '/requests?status=open')
  if (list.items.some((r) => r.id === posted.id)) throw new Error('the API still lists the claimed request in the hall')
  await shot(zhao, 'hall-3-gone')
  await audit(zhao, 'hall')
})
