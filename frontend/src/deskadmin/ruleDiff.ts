// What changed between two versions of a community's rating rule, in words
// ("每小时积分：1 → 2"), for the rule history screen.

export type Rule = Record<string, unknown>
type T = (key: string, params?: Record<string, unknown>) => string

/** The rule's fields in the order people read them, with the text key of each label. */
export const RULE_FIELDS: [string, string][] = [
  ['star_thresholds_hours', 'thresholds'],
  ['counting', 'counting'],
  ['stars_in_order', 'deskadmin.rule.starsInOrder'],
  ['min_tenure_days', 'deskadmin.rule.minTenure'],
  ['points_per_hour', 'pointsPerHour'],
  ['activity_cap_minutes', 'cap'],
  ['void_points_at_or_below_stars', 'voidAtOrBelow'],
  ['min_balance_to_redeem', 'minBalance'],
  ['review_days', 'reviewDays'],
  ['no_show_limit', 'noShowLimit'],
  ['no_show_window_days', 'noShowWindow'],
  ['appeal_days', 'appealDays'],
  ['check_in_required', 'checkInRequired'],
  ['check_in_radius_m', 'checkInRadius'],
  ['hours_tolerance_minutes', 'hoursTolerance'],
]

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

/** One value as people read it. */
export function show(field: string, v: unknown, t: T): string {
  if (v === null || v === undefined) return t('deskadmin.rule.none')
  if (typeof v === 'boolean') return t(v ? 'deskadmin.rule.yes' : 'deskadmin.rule.no')
  if (field === 'counting') return v === 'calendar_year' ? t('calendarYear') : v === 'all_time' ? t('allTime') : String(v)
  if (Array.isArray(v)) return v.length ? v.join(t('deskadmin.rule.listSep')) : t('deskadmin.rule.none')
  return String(v)
}

/**
 * The changes from `prev` to `next`, one sentence each; category
 * multipliers are named by category (`categoryName(code)`).
 */
export function diffRules(prev: Rule, next: Rule, t: T, categoryName: (code: string) => string = (c) => c): string[] {
  const out: string[] = []
  for (const [field, label] of RULE_FIELDS) {
    if (same(prev[field], next[field])) continue
    out.push(t('deskadmin.rule.changed', { field: t(label), from: show(field, prev[field], t), to: show(field, next[field], t) }))
  }
  const a = (prev.category_multipliers_pct ?? {}) as Record<string, number>
  const b = (next.category_multipliers_pct ?? {}) as Record<string, number>
  for (const code of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (a[code] === b[code]) continue
    const field = t('deskadmin.rule.multiplier', { category: categoryName(code) })
    const from = a[code] === undefined ? t('deskadmin.rule.defaultMultiplier') : `${a[code]}%`
    const to = b[code] === undefined ? t('deskadmin.rule.defaultMultiplier') : `${b[code]}%`
    out.push(t('deskadmin.rule.changed', { field, from, to }))
  }
  // Fields this screen does not know yet still show up, by their name.
  const known = new Set([...RULE_FIELDS.map(([f]) => f), 'category_multipliers_pct'])
  for (const field of [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort()) {
    if (known.has(field) || same(prev[field], next[field])) continue
    out.push(t('deskadmin.rule.changed', { field, from: show(field, prev[field], t), to: show(field, next[field], t) }))
  }
  return out
}

/** Each version with its changes from the one before it (versions come newest first). */
export function historyWithChanges<V extends { version: number; rule: Rule }>(
  versions: V[],
  t: T,
  categoryName?: (code: string) => string,
): (V & { changes: string[] })[] {
  const sorted = [...versions].sort((x, y) => y.version - x.version)
  return sorted.map((v, i) => {
    const older = sorted[i + 1]
    return { ...v, changes: older ? diffRules(older.rule, v.rule, t, categoryName) : [] }
  })
}
