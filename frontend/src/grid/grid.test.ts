import { describe, expect, it } from 'vitest'
import { emptyOrder, missing, orderBody, phoneDigits } from './order'

describe('grid worker orders', () => {
  it('sends the phone as digits, the name only when given, and drops what is empty', () => {
    const f = { ...emptyOrder(3), phone: '139 0000-0101', category: 'elderly_care', title: ' 代买菜 ', address: '5号楼', name: '' }
    expect(orderBody(f)).toEqual({
      resident_phone: '13900000101', category: 'elderly_care', title: '代买菜', address: '5号楼',
      source: 'walk_in', urgency: 'normal', grid_id: 3,
    })
    expect(orderBody({ ...f, name: ' 李奶奶 ', urgent: true, grid_id: null })).toMatchObject({ resident_name: '李奶奶', urgency: 'urgent' })
    expect(orderBody({ ...f, grid_id: null })).not.toHaveProperty('grid_id')
  })

  it('names what is missing before sending', () => {
    expect(missing(emptyOrder())).toEqual(['phone', 'category', 'title', 'address'])
    expect(missing({ ...emptyOrder(), phone: '1390000010', category: 'x', title: 't', address: 'a' })).toEqual(['phone'])
    expect(missing({ ...emptyOrder(), phone: '13900000101', category: 'x', title: 't', address: 'a' })).toEqual([])
    expect(phoneDigits('+86 139')).toBe('86139')
  })
})

describe('my grids', () => {
  it('keeps the grids the worker looks after, in the community order', async () => {
    const { mineOf } = await import('./grids')
    const all = [{ id: 1, name: '东区' }, { id: 2, name: '西区' }, { id: 3, name: '南区' }]
    expect(mineOf(all, [3, 1]).map((g) => g.name)).toEqual(['东区', '南区'])
    expect(mineOf(all, undefined)).toEqual([])
  })
})

describe('consent codes', () => {
  it('are read in two groups of three', async () => {
    const { spacedCode } = await import('../family')
    expect(spacedCode('123456')).toBe('123 456')
    expect(spacedCode('12')).toBe('12')
  })
})
