import { describe, expect, it } from 'vitest'
import { dayPart, formatDate, formatDateTime, formatTime, fromPickers, toPickers } from './datetime'

const now = new Date(2026, 11, 4, 9, 0)
describe('datetime', () => {
  it('formats Chinese by default, with 上午/下午', () => {
    expect(formatDateTime(new Date(2026, 11, 5, 15, 0), undefined, { now })).toBe('12月5日 下午3:00')
    expect(formatDateTime(new Date(2026, 11, 5, 9, 5), 'zh', { now })).toBe('12月5日 上午9:05')
    expect(formatDateTime(new Date(2026, 11, 5, 12, 30), 'zh', { now })).toBe('12月5日 中午12:30')
    expect(formatDateTime(new Date(2026, 11, 5, 20, 0), 'zh', { now })).toBe('12月5日 晚上8:00')
    expect(formatDateTime(new Date(2026, 11, 5, 0, 15), 'zh', { now })).toBe('12月5日 凌晨12:15')
  })
  it('shows the year only when it is not this year', () => {
    expect(formatDate(new Date(2027, 0, 5), 'zh', { now })).toBe('2027年1月5日')
    expect(formatDate(new Date(2026, 0, 5), 'zh', { now, year: 'auto' })).toBe('1月5日')
    expect(formatDate(new Date(2026, 0, 5), 'zh', { now, year: 'always' })).toBe('2026年1月5日')
    expect(formatDate(new Date(2027, 0, 5), 'en', { now })).toBe('Jan 5, 2027')
  })
  it('has a 24-hour clock', () => {
    expect(formatDateTime(new Date(2026, 11, 4, 14, 30), 'zh', { now, clock: '24h' })).toBe('12月4日 14:30')
  })
  it('formats English', () => {
    expect(formatDateTime(new Date(2026, 11, 5, 15, 0), 'en', { now })).toBe('Dec 5, 3:00 PM')
    expect(formatTime(new Date(2026, 11, 5, 0, 5), 'en')).toBe('12:05 AM')
    expect(formatTime(new Date(2026, 11, 5, 12, 5), 'en-US')).toBe('12:05 PM')
  })
  it('never shows ISO or mm/dd/yyyy and copes with nothing', () => {
    const s = formatDateTime('2026-12-05T07:00:00Z', 'zh', { now })
    expect(s).toMatch(/^12月5日 /)
    expect(s).not.toMatch(/\d+\/\d+\/\d+|T\d/)
    expect(formatDateTime(null)).toBe('')
    expect(formatDateTime('nonsense')).toBe('')
  })
  it('names the part of the day', () => {
    expect([3, 8, 12, 15, 21].map(dayPart)).toEqual(['凌晨', '上午', '中午', '下午', '晚上'])
  })
  it('round-trips picker values', () => {
    const d = fromPickers(['2026', '12', '05'], ['15', '30'])
    expect(d).toEqual(new Date(2026, 11, 5, 15, 30))
    expect(toPickers(d)).toEqual({ date: ['2026', '12', '05'], time: ['15', '30'] })
  })
})
