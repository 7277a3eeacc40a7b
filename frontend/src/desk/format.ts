// Dates and times for people: 12月4日 14:30 in Chinese, "4 Dec 14:30" in
// English; the year only when it is not this year. Never ISO strings.
// Built by hand: Intl's output differs between ICU builds.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

export function date(iso: string | null | undefined, locale: string, now: Date = new Date()): string {
  const d = parse(iso)
  if (!d) return ''
  const y = d.getFullYear() === now.getFullYear() ? '' : String(d.getFullYear())
  if (locale === 'en') return `${d.getDate()} ${MONTHS[d.getMonth()]}${y ? ` ${y}` : ''}`
  return `${y ? `${y}年` : ''}${d.getMonth() + 1}月${d.getDate()}日`
}

export function dateTime(iso: string | null | undefined, locale: string, now: Date = new Date()): string {
  const d = parse(iso)
  if (!d) return ''
  return `${date(iso, locale, now)} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** Kilometres for a table: 0.39 → "390 米" / "390 m"; 2.345 → "2.3 公里" / "2.3 km". */
export function distance(km: number | null | undefined, t: (k: string, a: Record<string, unknown>) => string): string {
  if (km == null || Number.isNaN(km)) return '—'
  if (km < 1) return t('desk.metres', { n: Math.round(km * 1000) })
  return t('desk.km', { n: (Math.round(km * 10) / 10).toFixed(1) })
}

/** A local calendar day as YYYY-MM-DD (what the API's from/to take). */
export function ymd(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** YYYY-MM-DD as local midnight. */
export function localDay(s: string): Date {
  const [y, m, d] = s.split('-').map(Number)
  return new Date(y, m - 1, d)
}
