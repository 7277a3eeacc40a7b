// How the phone screens write times, dates and phone numbers for people:
// Chinese dates in zh (`12月5日 周六 15:00`, `2026年12月5日`), plain English
// ones in en (`Sat 5 Dec 15:00`, `5 Dec 2026`) — never ISO strings or mm/dd/yyyy.

type Lang = 'zh' | 'en' | string

const WEEK_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const WEEK_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

interface Parts { year: number; month: number; day: number; weekday: number; hour: number; minute: number }

/** The calendar parts of an instant in `timeZone` (the browser's own when left out). */
export function partsOf(d: Date, timeZone?: string): Parts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
  })
  const p: Record<string, string> = {}
  for (const x of f.formatToParts(d)) p[x.type] = x.value
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day), weekday: WEEK_EN.indexOf(p.weekday),
    hour: Number(p.hour) % 24, minute: Number(p.minute),
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * A requested or agreed time: `12月5日 周六 15:00` (the year only when it is
 * not this year's: `2027年1月2日 周六 09:00`); '' for none or garbage.
 */
export function dateTime(iso: string | null | undefined, lang: Lang = 'zh', opts: { timeZone?: string; now?: Date } = {}): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const p = partsOf(d, opts.timeZone)
  const thisYear = partsOf(opts.now ?? new Date(), opts.timeZone).year
  const hm = `${pad(p.hour)}:${pad(p.minute)}`
  if (lang === 'en') {
    const y = p.year === thisYear ? '' : ` ${p.year}`
    return `${WEEK_EN[p.weekday]} ${p.day} ${MONTH_EN[p.month - 1]}${y} ${hm}`
  }
  const y = p.year === thisYear ? '' : `${p.year}年`
  return `${y}${p.month}月${p.day}日 ${WEEK_ZH[p.weekday]} ${hm}`
}

/** A calendar day (`2026-12-04`, or an instant): `2026年12月4日` / `4 Dec 2026`. */
export function dateOnly(value: string | null | undefined, lang: Lang = 'zh', opts: { timeZone?: string } = {}): string {
  if (!value) return ''
  let y: number, m: number, d: number
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (plain) {
    ;[y, m, d] = [Number(plain[1]), Number(plain[2]), Number(plain[3])]
  } else {
    const at = new Date(value)
    if (Number.isNaN(at.getTime())) return ''
    const p = partsOf(at, opts.timeZone)
    ;[y, m, d] = [p.year, p.month, p.day]
  }
  return lang === 'en' ? `${d} ${MONTH_EN[m - 1]} ${y}` : `${y}年${m}月${d}日`
}

/**
 * A number that may be called: the API masks what the viewer may not see
 * (`139****0001`); a masked, empty or odd number gives no call button.
 */
export function callable(phone: string | null | undefined): boolean {
  if (!phone) return false
  const digits = phone.replace(/[\s-]/g, '').replace(/^\+/, '')
  return /^\d{5,15}$/.test(digits)
}

/** `tel:` link for a callable number, '' otherwise. */
export function telHref(phone: string | null | undefined): string {
  return callable(phone) ? `tel:${phone!.replace(/[\s-]/g, '')}` : ''
}

/** Hours as people say them: 11 → "11", 1.5 → "1.5". */
export function hoursText(h: number): string {
  const r = Math.round(h * 10) / 10
  return Number.isInteger(r) ? String(r) : r.toFixed(1)
}
