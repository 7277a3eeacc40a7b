// The member's weekly availability (服务时间): windows of local time per
// weekday, as the API takes them (`{weekday 1–7, start "HH:MM", end "HH:MM"}`,
// at most 28). The editor keeps them per day; these functions check and
// tidy them before they are sent.

export interface Window { weekday: number; start: string; end: string }
/** What is wrong with one window, as a catalogue key (under `mobile.avail`). */
export type WindowProblem = 'format' | 'order' | 'overlap'

export const MAX_WINDOWS = 28
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const

/** Minutes since midnight of `HH:MM` (`24:00` = end of day), or null. */
export function minutes(hhmm: string): number | null {
  if (hhmm === '24:00') return 24 * 60
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm)
  return m ? Number(m[1]) * 60 + Number(m[2]) : null
}

/** Sorted by day, then start: how the editor shows them and the API gets them. */
export function sorted(ws: Window[]): Window[] {
  return [...ws].sort((a, b) => a.weekday - b.weekday || (minutes(a.start) ?? 0) - (minutes(b.start) ?? 0))
}

/** The windows of one day, in order. */
export function ofDay(ws: Window[], weekday: number): Window[] {
  return sorted(ws.filter((w) => w.weekday === weekday))
}

/**
 * Problems by index into `ws`: a time that is not HH:MM, an end not after
 * the start, or a window that overlaps another of the same day.
 */
export function problems(ws: Window[]): Map<number, WindowProblem> {
  const out = new Map<number, WindowProblem>()
  ws.forEach((w, i) => {
    const s = minutes(w.start)
    const e = minutes(w.end)
    if (s === null || e === null || w.weekday < 1 || w.weekday > 7) out.set(i, 'format')
    else if (s >= e) out.set(i, 'order')
  })
  const bad = new Set(out.keys())
  ws.forEach((a, i) => {
    if (bad.has(i)) return
    ws.forEach((b, j) => {
      if (i === j || bad.has(j) || a.weekday !== b.weekday) return
      if (minutes(a.start)! < minutes(b.end)! && minutes(b.start)! < minutes(a.end)!) out.set(i, 'overlap')
    })
  })
  return out
}

/**
 * A new window for `weekday`: after the day's last one (two hours, within
 * the day), else 09:00–12:00; null when the day is full to midnight.
 */
export function nextWindow(ws: Window[], weekday: number): Window | null {
  const day = ofDay(ws, weekday)
  if (!day.length) return { weekday, start: '09:00', end: '12:00' }
  const lastEnd = Math.max(...day.map((w) => minutes(w.end) ?? 0))
  if (lastEnd >= 24 * 60 - 30) return null
  const end = Math.min(lastEnd + 120, 24 * 60)
  const fmt = (m: number) => (m === 24 * 60 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`)
  return { weekday, start: fmt(lastEnd), end: fmt(end) }
}

/** Copies one day's windows onto other days (replacing theirs). */
export function copyDay(ws: Window[], from: number, to: number[]): Window[] {
  const src = ofDay(ws, from)
  const kept = ws.filter((w) => !to.includes(w.weekday) || w.weekday === from)
  return sorted([...kept, ...to.filter((d) => d !== from).flatMap((d) => src.map((w) => ({ ...w, weekday: d })))])
}

/** True when the two lists say the same (order aside): nothing to save. */
export function same(a: Window[], b: Window[]): boolean {
  const key = (ws: Window[]) => JSON.stringify(sorted(ws).map((w) => [w.weekday, w.start, w.end]))
  return key(a) === key(b)
}

/**
 * The choices of a start or end time, every `step` minutes (24-hour
 * clock, whatever the phone's locale): starts 00:00–23:30, ends
 * 00:30–24:00; a saved time off the grid stays choosable.
 */
export function timeChoices(kind: 'start' | 'end', keep: string[] = [], step = 30): string[] {
  const out: string[] = []
  for (let m = kind === 'start' ? 0 : step; m <= (kind === 'start' ? 24 * 60 - step : 24 * 60); m += step) {
    out.push(m === 24 * 60 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`)
  }
  for (const k of keep) if (minutes(k) !== null && !out.includes(k)) out.push(k)
  return out.sort((a, b) => minutes(a)! - minutes(b)!)
}
