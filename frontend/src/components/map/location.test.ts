import { describe, expect, it } from 'vitest'
import { isLatLng, locate, round6, toPoint } from './location'

describe('location picker logic', () => {
  it('rounds and validates points', () => {
    expect(round6(30.27412345678)).toBe(30.274123)
    expect(toPoint(30.1234567, 120.7654321)).toEqual({ lat: 30.123457, lng: 120.765432 })
    expect(toPoint(30, 480)).toEqual({ lat: 30, lng: 120 })
    expect(toPoint(95, 120)).toBeNull()
    expect(isLatLng({ lat: NaN, lng: 1 })).toBe(false)
    expect(isLatLng(null)).toBe(false)
  })
  it('gets the position or a plain reason', async () => {
    const ok = { getCurrentPosition: (f: (p: { coords: { latitude: number; longitude: number } }) => void) => f({ coords: { latitude: 30.2741, longitude: 120.1551 } }) }
    await expect(locate(ok)).resolves.toEqual({ lat: 30.2741, lng: 120.1551 })
    const no = (code: number) => ({ getCurrentPosition: (_: unknown, f: (e: { code: number }) => void) => f({ code }) })
    await expect(locate(no(1))).rejects.toBe('denied')
    await expect(locate(no(2))).rejects.toBe('unavailable')
    await expect(locate(no(3))).rejects.toBe('timeout')
    await expect(locate(null)).rejects.toBe('unsupported')
  })
})
