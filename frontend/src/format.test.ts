import { describe, expect, it } from 'vitest'
import { callable, dateOnly, dateTime, hoursText, telHref } from './format'

const tz = { timeZone: 'Asia/Shanghai', now: new Date('2026-12-04T02:00:00Z') }

describe('dateTime', () => {
  it('writes the requested time the Chinese way, with the weekday', () => {
    // 2026-12-05 15:00 in Beijing is a Saturday.
    expect(dateTime('2026-12-05T07:00:00Z', 'zh', tz)).toBe('12月5日 周六 15:00')
    expect(dateTime('2026-12-06T01:05:00Z', 'zh', tz)).toBe('12月6日 周日 09:05')
  })
  it('names the year only when it is not this one', () => {
    expect(dateTime('2027-01-02T01:00:00Z', 'zh', tz)).toBe('2027年1月2日 周六 09:00')
    expect(dateTime('2027-01-02T01:00:00Z', 'en', tz)).toBe('Sat 2 Jan 2027 09:00')
  })
  it('has an English form without Chinese', () => {
    expect(dateTime('2026-12-05T07:00:00Z', 'en', tz)).toBe('Sat 5 Dec 15:00')
  })
  it('uses the day in the given time zone (late evening UTC is the next day in Beijing)', () => {
    expect(dateTime('2026-12-04T17:30:00Z', 'zh', tz)).toBe('12月5日 周六 01:30')
  })
  it('gives nothing for nothing or garbage', () => {
    expect(dateTime(null)).toBe('')
    expect(dateTime('not a date')).toBe('')
  })
})

describe('dateOnly', () => {
  it('writes plain days without moving them across time zones', () => {
    expect(dateOnly('2026-12-04')).toBe('2026年12月4日')
    expect(dateOnly('2026-12-04', 'en')).toBe('4 Dec 2026')
  })
  it('takes instants in the given zone', () => {
    expect(dateOnly('2026-12-04T17:30:00Z', 'zh', { timeZone: 'Asia/Shanghai' })).toBe('2026年12月5日')
    expect(dateOnly('')).toBe('')
  })
})

describe('callable', () => {
  it('refuses masked numbers', () => {
    expect(callable('139****0001')).toBe(false)
    expect(telHref('139****0001')).toBe('')
    expect(callable('')).toBe(false)
    expect(callable(undefined)).toBe(false)
  })
  it('accepts whole numbers, with spaces or dashes', () => {
    expect(callable('13900000001')).toBe(true)
    expect(telHref('139 0000-0001')).toBe('tel:13900000001')
    expect(telHref('+8613900000001')).toBe('tel:+8613900000001')
  })
})

describe('hoursText', () => {
  it('keeps one decimal at most', () => {
    expect(hoursText(11)).toBe('11')
    expect(hoursText(1.25)).toBe('1.3')
  })
})
