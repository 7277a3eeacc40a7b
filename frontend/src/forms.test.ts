import { describe, expect, it } from 'vitest'
import { ApiError } from './api'
import { fieldErrors, hoursIn, intIn, isPhone, leftover, parseThresholds, rules } from './forms'

const e422 = new ApiError(422, 'validation.failed', '提交的信息有误：密码须为 8 到 128 个字符；服务时长格式或类型不正确', [
  { field: 'password', code: 'length', message: '密码须为 8 到 128 个字符' },
  { field: 'hours', code: 'invalid', message: '服务时长格式或类型不正确' },
  { field: 'hours', code: 'range', message: '服务时长须在 1 分钟到 24 小时之间' },
])

describe('fieldErrors', () => {
  it('maps each field to its first message, never "field: text"', () => {
    expect(fieldErrors(e422)).toEqual({ password: '密码须为 8 到 128 个字符', hours: '服务时长格式或类型不正确' })
  })
  it('files a nested path under its last named part too', () => {
    const e = new ApiError(422, 'validation.failed', 'x', [
      { field: 'rule.points_per_hour', code: 'invalid', message: '积分规则格式或类型不正确' },
      { field: 'rule.star_thresholds_hours.1', code: 'order', message: '星级门槛须递增' },
    ])
    expect(fieldErrors(e)).toMatchObject({
      'rule.points_per_hour': '积分规则格式或类型不正确', points_per_hour: '积分规则格式或类型不正确', star_thresholds_hours: '星级门槛须递增',
    })
  })
  it('is empty for anything that is not a field problem', () => {
    expect(fieldErrors(new Error('boom'))).toEqual({})
    expect(fieldErrors(new ApiError(409, 'request.already_taken', '该需求已被他人接单'))).toEqual({})
    expect(fieldErrors(undefined)).toEqual({})
  })
})

describe('leftover', () => {
  it('says nothing more when every problem shows under a field', () => {
    expect(leftover(e422, ['password', 'hours'])).toBe('')
  })
  it('says the problems of fields the form does not show, in their own words', () => {
    expect(leftover(e422, ['hours'])).toBe('密码须为 8 到 128 个字符')
    expect(leftover(e422, [])).toBe('密码须为 8 到 128 个字符；服务时长格式或类型不正确；服务时长须在 1 分钟到 24 小时之间')
  })
  it("gives the server's message when it named no field", () => {
    expect(leftover(new ApiError(409, 'request.already_taken', '该需求已被他人接单'), ['hours'])).toBe('该需求已被他人接单')
    expect(leftover(new Error('网络连接失败'), [])).toBe('网络连接失败')
  })
})

describe('checks on the device', () => {
  it('knows an 11-digit mobile number', () => {
    expect(isPhone('13900000001')).toBe(true)
    expect(isPhone(' 13900000001 ')).toBe(true)
    expect(isPhone('1390000000')).toBe(false)
    expect(isPhone('23900000001')).toBe(false)
    expect(isPhone('139-0000-0001')).toBe(false)
  })
  it('takes whole numbers in range only', () => {
    expect(intIn('5', 1, 10)).toBe(5)
    expect(intIn(0, 0, 10)).toBe(0)
    expect(intIn('0', 1, 10)).toBeNull()
    expect(intIn('1.5', 1, 10)).toBeNull()
    expect(intIn('abc', 1, 10)).toBeNull()
    expect(intIn('', 1, 10)).toBeNull()
  })
  it('takes hours above 0 and up to 24', () => {
    expect(hoursIn('1.5')).toBe(1.5)
    expect(hoursIn('0')).toBeNull()
    expect(hoursIn('25')).toBeNull()
    expect(hoursIn('-1')).toBeNull()
    expect(hoursIn('')).toBeNull()
  })
  it('reads star thresholds as rising positive numbers', () => {
    expect(parseThresholds('100, 300，600 1000')).toEqual([100, 300, 600, 1000])
    expect(parseThresholds('300, 100')).toBeNull()
    expect(parseThresholds('100, abc')).toBeNull()
    expect(parseThresholds('0, 5')).toBeNull()
    expect(parseThresholds('')).toBeNull()
  })
  it('words rules with the form\'s own label', async () => {
    const [req, len] = rules.length(() => '密码', 8, 128)
    expect(typeof req.message === 'function' && req.message('', req)).toBe('请填写密码')
    expect(await len.validator!('short', len)).toBe('密码须为 8 到 128 个字')
    expect(await len.validator!('long-enough', len)).toBe(true)
    const [, hours] = rules.hours(() => '服务时长（小时）')
    expect(await hours.validator!('0', hours)).toBe('服务时长（小时）须大于 0，且不超过 24 小时')
    const [phone] = rules.phone(() => '手机号').slice(1)
    expect(await phone.validator!('123', phone)).toBe('请输入 11 位手机号')
  })
})
