import { describe, expect, it } from 'vitest'
import { balanceAfter } from './market'

describe('balanceAfter', () => {
  it('says what is left, or nothing while the balance is unknown', () => {
    expect(balanceAfter(22, 8)).toBe(14)
    expect(balanceAfter(5, 8)).toBe(-3)
    expect(balanceAfter(null, 8)).toBeNull()
  })
})
