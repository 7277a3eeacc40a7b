import { defineStore } from 'pinia'
import { get, post, setToken } from '../api'

export interface Me {
  id: number
  name: string
  phone: string
  role: 'resident' | 'member' | 'admin' | 'street_admin' | 'grid_worker'
  community: { id: number; name: string; street: string; phone?: string | null }
  /** 网格员: the grids they look after. */
  grids?: number[]
  email?: string | null
  /** The language notices are written in (`zh` | `en`). */
  lang?: 'zh' | 'en'
  quiet_hours?: { start: string; end: string }
  /** 长辈模式 (适老化), saved per user (`PUT /me {elder_mode}`). */
  elder_mode?: boolean
}

const KEY = 'linli.token'

export const useSession = defineStore('session', {
  state: () => ({ token: localStorage.getItem(KEY) as string | null, me: null as Me | null, unread: 0, tick: 0 }),
  getters: {
    isAdmin: (s) => s.me?.role === 'admin' || s.me?.role === 'street_admin',
    isMember: (s) => s.me?.role === 'member',
    /** 网格员: posts for residents, follows their grids' requests, keeps a 走访 log. */
    isGridWorker: (s) => s.me?.role === 'grid_worker',
  },
  actions: {
    async restore(): Promise<boolean> {
      if (!this.token) return false
      setToken(this.token)
      try {
        this.me = await get<Me>('/me')
        void this.refreshUnread()
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
      void this.refreshUnread()
    },
    async register(phone: string, password: string, name: string, community_id: number) {
      const r = await post<{ token: string }>('/auth/register', { phone, password, name, community_id })
      this.token = r.token
      localStorage.setItem(KEY, r.token)
      setToken(r.token)
      this.me = await get<Me>('/me')
      void this.refreshUnread()
    },
    /** The bell's count from the inbox (GET /notifications carries `unread`); kept as it was on failure. */
    async refreshUnread() {
      if (!this.token) return
      try {
        this.unread = (await get<{ unread: number }>('/notifications?limit=1')).unread
      } catch {
        // the badge keeps its last count; the inbox screen shows the error
      }
    },
    /** Marks one inbox line read (opening it) and takes it off the badge. */
    async markRead(id: number) {
      await post(`/notifications/${id}/read`)
      this.unread = Math.max(0, this.unread - 1)
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
      this.unread = 0
      localStorage.removeItem(KEY)
      setToken(null)
    },
  },
})
