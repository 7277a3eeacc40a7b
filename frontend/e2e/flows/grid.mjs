// Issue 17.1 as a grid worker (网格员) meets it on a phone: her grid's
// requests on her home, 代下单 at an elderly neighbour's door — someone new
// to Linli, so the form asks for a name and then shows the one-time
// password in large print — the neighbour signing in and finding it, the
// admin at the desk dispatching it, and the visit written in her 走访 log.
import { flow, phone, desk, demo, until } from '../lib.mjs'

const GRANNY = '13822226666'

await flow('grid', async ({ base, signIn, shot, audit }, step) => {
  step('her home: the grid she looks after and its requests')
  const worker = await signIn(phone, demo.周丽)
  await worker.waitForURL((u) => u.hash.startsWith('#/grid'))
  await worker.waitForSelector('[data-testid=my-grids]')
  await until('her grid named', async () => (await worker.locator('[data-testid=my-grids]').innerText()).includes('东区网格'))
  await worker.waitForSelector('text=刘阿姨想请人陪同去医院复查')
  await audit(worker, 'grid home')
  await shot(worker, 'grid-home')

  step('代下单 for someone new: the form asks for her name')
  await worker.click('[data-testid=grid-order]')
  await worker.waitForSelector('[data-testid=resident-phone]')
  await worker.fill('[data-testid=resident-phone]', GRANNY)
  await worker.click('[data-testid=cat-elderly_care]')
  await worker.fill('[data-testid=order-title]', '独居老人需要每周代买菜')
  await worker.fill('[data-testid=order-address]', '阳光社区2号楼101')
  await worker.click('[data-testid=order-submit]')
  await worker.waitForSelector('text=这个手机号还没有账号，请填写居民姓名')
  await shot(worker, 'grid-order-name')

  step('with her name: posted, the one-time password in large print')
  await worker.fill('[data-testid=resident-name]', '孙奶奶')
  await worker.click('[data-testid=order-submit]')
  await worker.waitForSelector('[data-testid=grid-ordered]')
  const password = (await worker.locator('[data-testid=initial-password]').innerText()).trim()
  if (!/^[A-Za-z0-9]{10}$/.test(password)) throw new Error(`password: ${password}`)
  const said = await worker.locator('[data-testid=grid-ordered]').innerText()
  const id = Number(/#(\d+)/.exec(said)?.[1])
  if (!id || !said.includes('孙奶奶')) throw new Error(`posted: ${said}`)
  await audit(worker, 'grid ordered')
  await shot(worker, 'grid-ordered')

  step('the neighbour signs in with it and finds her request, entered by 周丽')
  const granny = await signIn(phone, GRANNY, password)
  await granny.goto(`${base}/#/requests/${id}`)
  await granny.waitForSelector('[data-testid=entered-by]')
  const by = await granny.locator('[data-testid=entered-by]').innerText()
  if (!by.includes('周丽')) throw new Error(`entered by: ${by}`)
  await granny.context().close()

  step('the admin at the desk dispatches it')
  const admin = await signIn(desk, demo.admin)
  await admin.goto(`${base}/#/requests/${id}`)
  await admin.waitForSelector('[data-testid^=dispatch-]')
  await admin.locator('[data-testid^=dispatch-]').first().click()
  await until('dispatched', async () => (await admin.locator('body').innerText()).includes('等待服务人员确认') || (await admin.locator('body').innerText()).includes('已派单'))

  step('her list shows it dispatched')
  await worker.goto(`${base}/#/grid`)
  await worker.waitForSelector(`[data-testid=grid-request-${id}]`)
  await until('its new status', async () => (await worker.locator(`[data-testid=grid-request-${id}]`).innerText()).includes('已派单'))

  step('the visit in her 走访 log, tied to the request')
  await worker.goto(`${base}/#/grid/visits`)
  await worker.waitForSelector('[data-testid=visit-household]')
  await worker.fill('[data-testid=visit-household]', '阳光社区2号楼101（孙奶奶）')
  await worker.fill('[data-testid=visit-note]', '独居，子女在外地')
  await worker.fill('[data-testid=visit-needs]', '每周代买菜')
  await worker.selectOption('[data-testid=visit-request]', String(id))
  await worker.click('[data-testid=visit-save]')
  await worker.waitForSelector(`text=已下单 #${id}`)
  await audit(worker, 'grid visits')
  await shot(worker, 'grid-visits')

  step('the desk lists her with her grid')
  await admin.goto(`${base}/#/admin/grid-workers`)
  await admin.waitForSelector('[data-testid=grid-workers] td')
  const table = await admin.locator('[data-testid=grid-workers]').innerText()
  if (!table.includes('周丽') || !table.includes('东区网格')) throw new Error(`grid workers: ${table}`)
  await audit(admin, 'grid workers desk')
  await shot(admin, 'grid-workers-desk')
  await admin.context().close()
  await worker.context().close()
})
