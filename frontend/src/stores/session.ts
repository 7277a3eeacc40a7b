import { defineStore } from 'pinia'
import { get, post, setToken } from '../api'

export interface Me {
  id: number
  name: string
  phone: string
  role: 'resident' | 'member' | 'admin' | 'street_admin'
  community: { id: number; name: string; street: string }
  email?: string | null
  /** The language notices are written in (`zh` | `en`). */
  lang?: 'zh' | 'en'
  quiet_hours?: { start: string; end: string }
}

const KEY = 'linli.token'

export const useSession = defineStore('session', {
  state: () => ({ token: localStorage.getItem(KEY) as string | null, me: null as Me | null, unread: 0, tick: 0 }),
  getters: {
    isAdmin: (s) => s.me?.role === 'admin' || s.me?.role === 'street_admin',
    isMember: (s) => s.me?.role === 'member',
  },
  actions: {
    async restore(): Promise<boolean> {
      if (!this.token) return false
      setToken(this.token)
      try {
        this.me = await get<Me>('/me')
        return true
      } catch {
        this.clear()
        return false
      }
    },
    async login(phone: string, password: string) {
      const r = await post<{ token: string }>('/auth/login', { phone, password })
      this.token = r.token
      localStorage.setItem(KEY, r.token)
      setToken(r.token)
      this.me = await get<Me>('/me')
    },
    async register(phone: string, password: string, name: string, community_id: number) {
      const r = await post<{ token: string }>('/auth/register', { phone, password, name, community_id })
      this.token = r.token
      localStorage.setItem(KEY, r.token)
      setToken(r.token)
      this.me = await get<Me>('/me')
    },
    async logout() {
      try {
        await post('/auth/logout')
      } catch {
        // signed out locally either way
      }
      this.clear()
    },
    clear() {
      this.token = null
      this.me = null
      localStorage.removeItem(KEY)
      setToken(null)
    },
  },
})
