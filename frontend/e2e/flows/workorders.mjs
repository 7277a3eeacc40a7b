// Issue 17 as an admin at the desk meets it: the 12345 hotline's work-order
// sheet pasted in, a bad line refused with its line and column in words,
// the clean sheet imported (a new resident's one-time password shown once),
// the same sheet again changing nothing, and the request saying where it
// came from and under which order number.
import { flow, desk, demo, until } from '../lib.mjs'
import { xlsx } from '../xlsx.mjs'

const HEAD = '工单编号,受理时间,诉求类别,地址,诉求内容,联系人,联系电话,办理时限'
const GOOD = [
  HEAD,
  'GD20261201001,2026-12-01 09:30,助老助残,阳光小区3号楼2单元501,独居老人需要每周代买菜,王阿姨,13822220001,2030-01-01',
  'GD20261201002,2026-12-01 10:05,助老助残,阳光小区5号楼1单元302,老人想了解高龄津贴怎么申请,李大爷,13822220002,2030-01-02 17:00',
].join('\n')

await flow('workorders', async ({ base, signIn, shot, audit }, step) => {
  const admin = await signIn(desk, demo.admin)

  step('a bad line: refused with its line and column, nothing imported')
  await admin.goto(`${base}/#/admin/work-orders`)
  await admin.waitForSelector('[data-testid=csv-text]')
  await admin.fill('[data-testid=csv-text]', GOOD.replace('13822220002', '1382222'))
  await admin.waitForSelector('text=2 条工单')
  await admin.click('[data-testid=import-submit]')
  await admin.waitForSelector('[data-testid=import-errors]')
  const lines = await admin.locator('[data-testid=error-line]').allInnerTexts()
  const errors = await admin.locator('[data-testid=import-errors]').innerText()
  if (lines.join() !== '3' || !errors.includes('不是有效的手机号')) throw new Error(`errors: ${lines} ${errors}`)
  await audit(admin, 'work orders errors')
  await shot(admin, 'workorders-errors')

  step('the clean sheet: two new requests, one-time passwords shown')
  await admin.fill('[data-testid=csv-text]', GOOD)
  await admin.click('[data-testid=import-submit]')
  await admin.waitForSelector('[data-testid=import-report]')
  const created = await admin.locator('[data-testid=count-created]').innerText()
  if (!created.includes('新建 2')) throw new Error(`report: ${created}`)
  const outcomes = await admin.locator('[data-testid=outcome]').allInnerTexts()
  if (outcomes.join() !== '新建,新建') throw new Error(`outcomes: ${outcomes}`)
  await audit(admin, 'work orders imported')
  await shot(admin, 'workorders-imported')

  step('the same sheet again: nothing new')
  await admin.click('[data-testid=import-again]')
  await admin.fill('[data-testid=csv-text]', GOOD)
  await admin.click('[data-testid=import-submit]')
  await admin.waitForSelector('[data-testid=import-report]')
  const unchanged = await admin.locator('[data-testid=count-unchanged]').innerText()
  if (!unchanged.includes('未变 2')) throw new Error(`second import: ${unchanged}`)

  step('the hotline workbook (.xlsx): read into the box, imported the same way')
  await admin.click('[data-testid=import-again]')
  const book = xlsx([
    HEAD.split(','),
    ['GD20261201003', '2026-12-01 11:00', '环境整治', '阳光小区6号楼', '楼道堆放杂物', '赵先生', '13822220003', '2030-01-03'],
  ])
  await admin.setInputFiles('[data-testid=csv-file]', { name: '12345工单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: book })
  await until('the sheet read into the box', async () => (await admin.inputValue('[data-testid=csv-text]')).includes('GD20261201003'))
  await admin.click('[data-testid=import-submit]')
  await admin.waitForSelector('[data-testid=import-report]')
  const fromBook = await admin.locator('[data-testid=count-created]').innerText()
  if (!fromBook.includes('新建 1')) throw new Error(`xlsx import: ${fromBook}`)

  step('the request says where it came from')
  await admin.locator('[data-testid=order-row] a').first().click()
  await admin.waitForSelector('[data-testid=source]')
  await until('the source', async () => (await admin.locator('[data-testid=source]').innerText()).includes('12345热线 · GD20261201003'))
  await audit(admin, 'work order request')
  await shot(admin, 'workorders-request')
  await admin.context().close()

  step('the street overview counts the 12345 orders of the month, with its 环比 and an xlsx')
  const street = await signIn(desk, '13900000090')
  await street.goto(`${base}/#/admin/street`)
  await street.waitForSelector('[data-testid=street-table]')
  const head = await street.locator('[data-testid=street-table] thead').innerText()
  if (!head.includes('本月12345工单') || !head.includes('12345环比')) throw new Error(`street head: ${head}`)
  const sunny = street.locator('[data-testid=street-table] tbody tr', { hasText: '阳光社区' })
  const cells = await sunny.locator('td').allInnerTexts()
  if (cells[9] !== '3' || cells[10] !== '—') throw new Error(`阳光社区's 12345 cells: ${cells}`)
  await street.waitForSelector('[data-testid=street-xlsx]')
  const [file] = await Promise.all([street.waitForEvent('download'), street.click('[data-testid=street-xlsx]')])
  if (file.suggestedFilename() !== 'street-overview.xlsx') throw new Error(`download: ${file.suggestedFilename()}`)
  await audit(street, 'street overview')
  await shot(street, 'workorders-street')
  await street.context().close()
})
