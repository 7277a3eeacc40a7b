import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'

const put = vi.fn()
vi.mock('../api', () => ({ put: (...a: unknown[]) => put(...a), get: vi.fn(), post: vi.fn(), setToken: vi.fn() }))

import { usePrefs } from './prefs'
import { useSession, type Me } from './session'

const me = (elder_mode?: boolean): Me => ({ id: 3, name: '王秀英', phone: '13900000001', role: 'resident', community: { id: 2, name: '阳光社区', street: '和平街道' }, elder_mode })

describe('prefs (长辈模式)', () => {
  beforeEach(() => {
    localStorage.clear()
    document.documentElement.className = ''
    put.mockReset()
    setActivePinia(createPinia())
  })

  it('signed out: class on <html> and localStorage, no server call', async () => {
    const p = usePrefs()
    p.install()
    await p.setElder(true)
    expect(document.documentElement.classList.contains('elder')).toBe(true)
    expect(localStorage.getItem('linli.elder')).toBe('1')
    expect(put).not.toHaveBeenCalled()
    // a new page load remembers it
    setActivePinia(createPinia())
    expect(usePrefs().elder).toBe(true)
  })

  it('a choice made on the login page is saved to the account at sign-in', async () => {
    const p = usePrefs()
    p.install()
    await p.setElder(true)
    put.mockResolvedValue(me(true))
    useSession().me = me(false)
    await nextTick()
    await Promise.resolve()
    expect(put).toHaveBeenCalledWith('/me', { elder_mode: true })
    expect(p.elder).toBe(true)
  })

  it("otherwise the account's saved choice wins", async () => {
    localStorage.setItem('linli.elder', '0')
    const p = usePrefs()
    p.install()
    useSession().me = me(true)
    await nextTick()
    expect(p.elder).toBe(true)
    expect(document.documentElement.classList.contains('elder')).toBe(true)
    expect(put).not.toHaveBeenCalled()
  })

  it('signed in: the switch saves with PUT /me and survives a server error locally', async () => {
    const p = usePrefs()
    useSession().me = me(false)
    put.mockRejectedValue(new Error('网络连接失败'))
    await expect(p.setElder(true)).rejects.toThrow('网络连接失败')
    expect(put).toHaveBeenCalledWith('/me', { elder_mode: true })
    expect(p.elder).toBe(true)
  })

  it('an account without the field keeps the local choice', async () => {
    localStorage.setItem('linli.elder', '1')
    const p = usePrefs()
    p.install()
    useSession().me = me(undefined)
    await nextTick()
    expect(p.elder).toBe(true)
  })
})
