import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '../../i18n'
import { useSession } from '../../stores/session'
import Photos from './Photos.vue'

afterEach(() => vi.unstubAllGlobals())

describe('Photos', () => {
  it('fetches each photo with the session token and shows it from an object URL; a failed one says so', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useSession().token = 'tok-1'
    const seen: { url: string; auth: string }[] = []
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, auth: (init.headers as Record<string, string>).Authorization })
      return url.endsWith('/2') ? new Response('', { status: 404 }) : new Response(new Blob(['x'], { type: 'image/png' }))
    }))
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:photo-1', revokeObjectURL: vi.fn() }))
    const w = mount(Photos, {
      props: { photos: [{ id: 1, url: '/api/v1/requests/9/photos/1' }, { id: 2, url: '/api/v1/requests/9/photos/2' }] },
      global: { plugins: [Vant, i18n, pinia] },
    })
    await flushPromises()
    expect(seen).toEqual([
      { url: '/api/v1/requests/9/photos/1', auth: 'Bearer tok-1' },
      { url: '/api/v1/requests/9/photos/2', auth: 'Bearer tok-1' },
    ])
    expect(w.find('[data-testid=photo-1] img').attributes('src')).toBe('blob:photo-1')
    expect(w.find('[data-testid=photo-1]').attributes('aria-label')).toContain('1')
    expect(w.find('[data-testid=photo-2]').text()).toContain('照片加载失败')
    w.unmount()
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:photo-1')
  })
})
