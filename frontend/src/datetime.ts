// Dates and times as people read them, in the UI's language: Chinese
// (`12月4日 14:30`, `2026年12月4日`) or English (`Dec 4, 14:30`,
// `Dec 4, 2026`); the year only when it is not this year (dates always
// carry it). Never mm/dd/yyyy, never ISO.
import { currentLang, type Lang } from './lang'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

function parse(v: string | Date): Date | null {
  const d = v instanceof Date ? v : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

/** `2026年12月4日` / `Dec 4, 2026`. A bare `YYYY-MM-DD` is that calendar day. */
export function formatDate(v: string | Date | null | undefined, lang: Lang = currentLang()): string {
  if (!v) return ''
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00`) : parse(v)
  if (!d) return ''
  const [y, m, day] = [d.getFullYear(), d.getMonth(), d.getDate()]
  return lang === 'en' ? `${MONTHS[m]} ${day}, ${y}` : `${y}年${m + 1}月${day}日`
}

/** `12月4日 14:30` / `Dec 4, 14:30` (with the year when it is not this year). */
export function formatDateTime(v: string | Date | null | undefined, lang: Lang = currentLang(), now: Date = new Date()): string {
  if (!v) return ''
  const d = parse(v)
  if (!d) return ''
  const [y, m, day] = [d.getFullYear(), d.getMonth(), d.getDate()]
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  const thisYear = y === now.getFullYear()
  if (lang === 'en') return thisYear ? `${MONTHS[m]} ${day}, ${time}` : `${MONTHS[m]} ${day}, ${y}, ${time}`
  return thisYear ? `${m + 1}月${day}日 ${time}` : `${y}年${m + 1}月${day}日 ${time}`
}
