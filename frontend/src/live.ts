// Live updates: the server's event stream. New inbox lines bump the unread
// badge and show a toast; request changes bump `tick`, which lists watch.
import { showNotify } from 'vant'
import { useSession } from './stores/session'
import { router } from './router'

let source: EventSource | null = null

export function connectLive(): void {
  const s = useSession()
  source?.close()
  if (!s.token || typeof EventSource === 'undefined') return
  source = new EventSource(`/api/v1/events/stream?access_token=${encodeURIComponent(s.token)}`)
  source.addEventListener('notification', (e) => {
    const n = JSON.parse((e as MessageEvent).data)
    s.unread += 1
    s.tick += 1
    showNotify({ type: 'primary', message: n.title, duration: 3000 })
  })
  source.addEventListener('request', () => {
    s.tick += 1
  })
  source.addEventListener('resync', () => {
    s.tick += 1
    void s.refreshUnread()
  })
  // The server closed the stream: this sign-in was revoked (signed out
  // elsewhere, password changed) or the role or community changed. Read who
  // we are again: a revoked token signs out, a new role reconnects as it.
  // This very screen may have changed the password: its fresh token comes
  // with that answer, a moment after the stream closed (and the token's
  // watch in App.vue reconnects), so wait a moment before judging.
  source.addEventListener('session', () => {
    const used = s.token
    disconnectLive()
    setTimeout(async () => {
      if (!s.token || s.token !== used) return
      const ok = await s.restore()
      if (s.token && s.token !== used) return
      if (ok) connectLive()
      else void router.replace('/login')
    }, 1000)
  })
  // After a dropped connection comes back, lines may have come meanwhile.
  let opened = false
  source.addEventListener('open', () => {
    if (opened) void s.refreshUnread()
    opened = true
  })
}

export function disconnectLive(): void {
  source?.close()
  source = null
}
