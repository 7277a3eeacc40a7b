// 家人代下单 as a family meets it on their phones: 王秀英 makes a consent
// code on her account screen and reads it to her neighbour's son 张建国, who
// enters her phone and the code on his; he then posts a request choosing
// her as whom it is for, and she finds it among her own, entered by him.
import { flow, phone, demo } from '../lib.mjs'

const SON = '13900000002'

await flow('family', async ({ base, signIn, shot, audit }, step) => {
  step('she makes a consent code')
  const mother = await signIn(phone, demo.resident)
  await mother.goto(`${base}/#/account`)
  await mother.click('[data-testid=make-code]')
  await mother.waitForSelector('[data-testid=consent-code]')
  const code = (await mother.locator('[data-testid=consent-code] .digits').innerText()).replace(/\s/g, '')
  if (!/^\d{6}$/.test(code)) throw new Error(`code: ${code}`)
  await audit(mother, 'family code')
  await shot(mother, 'family-code')

  step('he enters her phone and a wrong code: told in words')
  const son = await signIn(phone, SON)
  await son.goto(`${base}/#/account`)
  await son.fill('[data-testid=relative-phone]', demo.resident)
  await son.fill('[data-testid=relative-code]', code === '000000' ? '111111' : '000000')
  await son.click('[data-testid=link-relative]')
  await son.waitForSelector('text=手机号或授权码不对')

  step('the right code links them')
  await son.fill('[data-testid=relative-code]', code)
  await son.click('[data-testid=link-relative]')
  await son.waitForSelector('[data-testid=relatives] >> text=王秀英')
  await audit(son, 'family linked')
  await shot(son, 'family-linked')

  step('he orders for her')
  await son.goto(`${base}/#/requests/new`)
  await son.waitForSelector('[data-testid=for-whom]')
  const her = son.locator('[data-testid=for-whom] [data-testid^=for-]').first()
  await her.click()
  await son.click('[data-testid=category-errands]')
  await son.fill('input[name=title]', '帮王阿姨取药')
  await son.fill('input[name=address]', '阳光社区1号楼302')
  await shot(son, 'family-order')
  await son.click('button[type=submit]')
  await son.waitForURL(/#\/requests\/\d+$/)
  const id = son.url().match(/requests\/(\d+)$/)[1]

  step('she finds it as hers, entered by him')
  await mother.goto(`${base}/#/requests/${id}`)
  await mother.waitForSelector('[data-testid=entered-by]')
  const by = await mother.locator('[data-testid=entered-by]').innerText()
  if (!by.includes('张建国')) throw new Error(`entered by: ${by}`)
  await mother.goto(`${base}/#/account`)
  await mother.waitForSelector('[data-testid=family-members] >> text=张建国')
  await shot(mother, 'family-hers')
  await mother.context().close()
  await son.context().close()
})
