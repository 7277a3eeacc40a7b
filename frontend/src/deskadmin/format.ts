// Dates and times as people read them: 12月4日 14:30 (this year) or
// 2026年12月4日 14:30 in Chinese; Dec 4, 14:30 in English. Never ISO.

const pad = (n: number) => String(n).padStart(2, '0')
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function dateTime(iso: string | null | undefined, lang: string, now = new Date()): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const sameYear = d.getFullYear() === now.getFullYear()
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  if (lang === 'en') return `${MONTHS[d.getMonth()]} ${d.getDate()}${sameYear ? '' : `, ${d.getFullYear()}`}, ${time}`
  return `${sameYear ? '' : `${d.getFullYear()}年`}${d.getMonth() + 1}月${d.getDate()}日 ${time}`
}

/** A ratio 0–1 as a whole percentage. */
/** 办结率 and friends as street reports print them: one decimal (96.6%). */
export const percent = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`)
