import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime } from './datetime'

describe('dates in the reader\'s language', () => {
  const now = new Date(2026, 11, 4, 9, 0)
  const at = new Date(2026, 11, 4, 14, 30)
  it('prints times in Chinese or English, the year only when it is not this year', () => {
    expect(formatDateTime(at, 'zh', now)).toBe('12月4日 14:30')
    expect(formatDateTime(at, 'en', now)).toBe('Dec 4, 14:30')
    expect(formatDateTime(new Date(2025, 0, 9, 8, 5), 'zh', now)).toBe('2025年1月9日 08:05')
    expect(formatDateTime(new Date(2025, 0, 9, 8, 5), 'en', now)).toBe('Jan 9, 2025, 08:05')
  })
  it('prints dates with the year, a bare calendar day as that day', () => {
    expect(formatDate('2026-12-04', 'zh')).toBe('2026年12月4日')
    expect(formatDate('2026-12-04', 'en')).toBe('Dec 4, 2026')
    expect(formatDate(at, 'en')).toBe('Dec 4, 2026')
  })
  it('prints nothing for nothing or nonsense', () => {
    expect(formatDateTime(null)).toBe('')
    expect(formatDate('not a date')).toBe('')
  })
})
