import { describe, expect, it } from 'vitest'
import { i18n } from './i18n'
import { duration } from './duration'

describe('duration', () => {
  const t = (k: string, a: Record<string, number>) => i18n.global.t(k, a)
  it('reads hours and minutes in words', () => {
    expect(duration(180, t)).toBe('3 小时')
    expect(duration(70, t)).toBe('1 小时 10 分')
    expect(duration(45, t)).toBe('45 分钟')
    expect(duration(0, t)).toBe('0 分钟')
    expect(duration(null, t)).toBe('0 分钟')
  })
})
