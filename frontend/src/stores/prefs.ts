// 长辈模式 (适老化 elder mode): bigger type, 48 px tap targets, high contrast,
// one column, words on every button. Shown as the class `elder` on <html>
// (styles in src/styles/elder.css). Before sign-in the choice lives in
// localStorage; once signed in it is the user's own (`PUT /me {elder_mode}`,
// read back from `GET /me`). A choice made on the login page is carried into
// the account at sign-in.
import { defineStore } from 'pinia'
import { watch } from 'vue'
import { put } from '../api'
import { useSession, type Me } from './session'

const KEY = 'linli.elder'
/** Set when the switch was used signed out: pushed to the account at sign-in. */
const PENDING = 'linli.elder.pending'

export function applyElderClass(on: boolean, root: HTMLElement = document.documentElement): void {
  root.classList.toggle('elder', on)
}

export const usePrefs = defineStore('prefs', {
  state: () => ({ elder: localStorage.getItem(KEY) === '1', saving: false }),
  actions: {
    /** Apply locally (class, localStorage) without telling the server. */
    setLocal(on: boolean) {
      this.elder = on
      localStorage.setItem(KEY, on ? '1' : '0')
      applyElderClass(on)
    },
    /**
     * The switch: applies at once; signed in, saves to the account (and
     * resolves with the server's error, if any, leaving the local choice on).
     */
    async setElder(on: boolean): Promise<void> {
      this.setLocal(on)
      const s = useSession()
      if (!s.me) {
        localStorage.setItem(PENDING, '1')
        return
      }
      this.saving = true
      try {
        const me = await put<Me>('/me', { elder_mode: on })
        if (me && typeof me === 'object') s.me = { ...s.me, ...me, elder_mode: on }
      } finally {
        this.saving = false
      }
    },
    /** A signed-in user arrived (sign-in or restore): their saved choice wins, unless they just chose on the login page. */
    async adopt(me: Me | null) {
      if (!me) return
      if (localStorage.getItem(PENDING)) {
        localStorage.removeItem(PENDING)
        if (me.elder_mode !== this.elder) {
          try {
            await this.setElder(this.elder)
          } catch {
            // kept on this device; the account keeps its old choice
          }
        }
        return
      }
      if (typeof me.elder_mode === 'boolean') this.setLocal(me.elder_mode)
    },
    /** Called once from main.ts: class on <html> now, and follow who is signed in. */
    install() {
      applyElderClass(this.elder)
      const s = useSession()
      watch(
        () => s.me?.id,
        (id) => {
          if (id) void this.adopt(s.me)
        },
        { immediate: true },
      )
    },
  },
})
