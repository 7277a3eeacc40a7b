import { describe, expect, it } from 'vitest'
import { verifyUrl } from './verifyUrl'

describe('verifyUrl', () => {
  it('points at the public page under the hash router', () => {
    expect(verifyUrl('https://linli.example', 'LL2026-ABC')).toBe('https://linli.example/#/verify/LL2026-ABC')
    expect(verifyUrl('http://127.0.0.1:8080/', 'LL 1')).toBe('http://127.0.0.1:8080/#/verify/LL%201')
  })
})
