// Dates and times as people read them: Chinese by default (12月5日 下午3:00,
// 2026年12月4日), English on request (Dec 5, 3:00 PM) — never mm/dd/yyyy or
// ISO strings. Local time of the device; the year is shown only when it is
// not this year (or when asked).

import { currentLang } from './lang'

export type Lang = 'zh' | 'en' | string

export interface DateTimeOptions {
  /** 'auto': only when not the current year (formatDateTime's default); formatDate alone defaults to 'always'. */
  year?: 'auto' | 'always' | 'never'
  /** 12-hour clock with 上午/下午 (default) or 24-hour (14:30). */
  clock?: '12h' | '24h'
  /** The reference "now" (tests). */
  now?: Date
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function toDate(v: Date | string | number): Date | null {
  // A bare YYYY-MM-DD is that calendar day here, not midnight UTC.
  const d = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00`) : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

const isEn = (lang: Lang) => String(lang).toLowerCase().startsWith('en')
const pad = (n: number) => String(n).padStart(2, '0')

function showYear(d: Date, o: DateTimeOptions): boolean {
  if (o.year === 'always') return true
  if (o.year === 'never') return false
  return d.getFullYear() !== (o.now ?? new Date()).getFullYear()
}

/** 凌晨 0–5, 上午 6–11, 中午 12, 下午 13–17, 晚上 18–23 — the words people say. */
export function dayPart(hour: number): string {
  if (hour < 6) return '凌晨'
  if (hour < 12) return '上午'
  if (hour < 13) return '中午'
  if (hour < 18) return '下午'
  return '晚上'
}

/** 下午3:00 / 14:30 / 3:00 PM. */
export function formatTime(v: Date | string | number, lang: Lang = currentLang(), o: DateTimeOptions = {}): string {
  const d = toDate(v)
  if (!d) return ''
  const h = d.getHours()
  const m = pad(d.getMinutes())
  if (o.clock === '24h') return `${pad(h)}:${m}`
  const h12 = h % 12 === 0 ? 12 : h % 12
  if (isEn(lang)) return `${h12}:${m} ${h < 12 ? 'AM' : 'PM'}`
  return `${dayPart(h)}${h12}:${m}`
}

/** 12月5日 / 2027年1月5日 / Dec 5 / Jan 5, 2027. */
export function formatDate(v: Date | string | number | null | undefined, lang: Lang = currentLang(), o: DateTimeOptions = {}): string {
  if (v === null || v === undefined || v === '') return ''
  const d = toDate(v)
  if (!d) return ''
  // A date on its own carries its year; next to a time, only when not this year.
  const y = showYear(d, { year: 'always', ...o })
  if (isEn(lang)) return `${EN_MONTHS[d.getMonth()]} ${d.getDate()}${y ? `, ${d.getFullYear()}` : ''}`
  return `${y ? `${d.getFullYear()}年` : ''}${d.getMonth() + 1}月${d.getDate()}日`
}

/** 12月5日 下午3:00 / Dec 5, 3:00 PM (with the year when not this year). */
export function formatDateTime(v: Date | string | number | null | undefined, lang: Lang = currentLang(), o: DateTimeOptions = {}): string {
  if (v === null || v === undefined || v === '') return ''
  const d = toDate(v)
  if (!d) return ''
  const day = formatDate(d, lang, { year: 'auto', ...o })
  return isEn(lang) ? `${day}, ${formatTime(d, lang, o)}` : `${day} ${formatTime(d, lang, o)}`
}

/** The parts a date and a time picker hold (['2026','12','05'], ['15','00']) → a local Date. */
export function fromPickers(date: string[], time: string[]): Date {
  const [y, mo, da] = date.map(Number)
  const [h, mi] = time.map(Number)
  return new Date(y, mo - 1, da, h, mi, 0, 0)
}

/** A local Date → the values a date and a time picker take. */
export function toPickers(d: Date): { date: string[]; time: string[] } {
  return { date: [String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate())], time: [pad(d.getHours()), pad(d.getMinutes())] }
}
