import { describe, expect, it, vi } from 'vitest'

const postBytes = vi.fn()
vi.mock('./api', () => ({ postBytes: (...a: unknown[]) => postBytes(...a) }))

import { fitWithin, MAX_BYTES, planPhoto, prepare, tooLarge, uploadAll } from './photos'

describe('photos', () => {
  it('plans: small JPEG/PNG/WebP as they are, big or other images shrunk, the rest refused', () => {
    expect(planPhoto({ size: 200_000, type: 'image/jpeg' })).toBe('send')
    expect(planPhoto({ size: 200_000, type: 'image/png' })).toBe('send')
    expect(planPhoto({ size: 8_000_000, type: 'image/jpeg' })).toBe('shrink')
    expect(planPhoto({ size: 200_000, type: 'image/gif' })).toBe('shrink')
    expect(planPhoto({ size: 200_000, type: 'application/pdf' })).toBe('unsupported')
  })
  it('fits the longest side, keeping proportions, never enlarging', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
  })
  it('knows the 5 MiB limit', () => {
    expect(tooLarge(MAX_BYTES)).toBe(false)
    expect(tooLarge(MAX_BYTES + 1)).toBe(true)
  })
  it('refuses what is not an image, and a big one it cannot shrink or send', async () => {
    expect(await prepare(new File(['x'], 'a.pdf', { type: 'application/pdf' }))).toEqual({ problem: 'unsupported' })
    // happy-dom has no createImageBitmap: a big JPEG that cannot be shrunk is too large
    const big = new File([new Uint8Array(MAX_BYTES + 10)], 'big.jpg', { type: 'image/jpeg' })
    expect(await prepare(big)).toEqual({ problem: 'too_large' })
    const small = new File([new Uint8Array(10)], 's.png', { type: 'image/png' })
    expect(await prepare(small)).toMatchObject({ type: 'image/png' })
  })
  it('uploads one by one and collects failures', async () => {
    postBytes.mockResolvedValueOnce({ id: 1, url: '/api/v1/requests/9/photos/1' }).mockRejectedValueOnce(new Error('照片太大'))
    const b = new Blob(['x'], { type: 'image/jpeg' })
    const r = await uploadAll(9, [{ blob: b, type: 'image/jpeg' }, { blob: b, type: 'image/jpeg' }])
    expect(postBytes).toHaveBeenCalledWith('/requests/9/photos', b, 'image/jpeg')
    expect(r.ok).toHaveLength(1)
    expect(r.failed.map((f) => f.message)).toEqual(['照片太大'])
    expect(r.failed[0].photo.blob).toBe(b)
  })
})
