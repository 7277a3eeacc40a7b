import { describe, expect, it } from 'vitest'
import { i18n } from './i18n'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('i18n', () => {
  it('has every Chinese text in English too, and Chinese by default', () => {
    const { zh, en } = i18n.global.messages.value as unknown as Record<'zh' | 'en', object>
    expect(keys(en).sort()).toEqual(keys(zh).sort())
    expect(i18n.global.locale.value).toBe('zh')
  })
})
