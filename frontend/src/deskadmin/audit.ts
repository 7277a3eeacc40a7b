// The audit log (GET /audit-log) in words: action names and a short line
// of what each entry says.

export interface AuditLine {
  id: number
  actor_id: number
  actor_name: string
  community_id: number | null
  action: string
  target_type: string
  target_id: number | null
  detail: Record<string, unknown> | null
  created_at: string
}

type T = (key: string, params?: Record<string, unknown>) => string
type Te = (key: string) => boolean

/** Action groups for the filter: the part before the dot. */
export const GROUPS = ['points', 'record', 'rule', 'weights', 'reward', 'redemption', 'qualification', 'appeal', 'visit', 'series', 'export', 'member', 'user'] as const

export const groupOf = (action: string) => action.split('.')[0]

/** The action's name in the reader's language; an unknown one as it is. */
export function actionName(action: string, t: T, te: Te): string {
  const key = `deskadmin.audit.action.${action.replace(/\./g, '_')}`
  return te(key) ? t(key) : action
}

/** What the target is: 成员 #6. */
export function targetName(line: AuditLine, t: T, te: Te): string {
  const key = `deskadmin.audit.target.${line.target_type}`
  const kind = te(key) ? t(key) : line.target_type
  return line.target_id === null || line.target_id === undefined ? kind : `${kind} #${line.target_id}`
}

/**
 * A short summary of the detail: `facts` in the reader's language (rule
 * version, points, rows, dates) and `text` as people typed it (a reason, a
 * reward's name, a series' title), which the screen marks as user content.
 */
export function summary(line: AuditLine, t: T): { facts: string; text: string } {
  const d = (line.detail ?? {}) as Record<string, unknown>
  const has = (k: string) => d[k] !== undefined && d[k] !== null && d[k] !== ''
  const facts: string[] = []
  const text: string[] = []
  if (has('outcome') && ['upheld', 'partial', 'overturned'].includes(String(d.outcome))) facts.push(t(String(d.outcome)))
  if (has('version')) facts.push(t('deskadmin.audit.version', { n: d.version as number }))
  if (has('points')) facts.push(t('pointsN', { n: d.points as number }))
  if (has('from_minutes') && has('to_minutes')) facts.push(`${Number(d.from_minutes) / 60} → ${Number(d.to_minutes) / 60} h`)
  if (has('from') && typeof d.from === 'string') facts.push(`${d.from} – ${has('to') ? d.to : ''}`)
  if (has('quarter')) facts.push(String(d.quarter))
  if (has('rows')) facts.push(t('deskadmin.audit.rows', { n: d.rows as number }))
  if (has('number')) facts.push(String(d.number))
  for (const k of ['name', 'title', 'reason', 'note']) if (has(k) && typeof d[k] === 'string') text.push(String(d[k]))
  return { facts: facts.join(' · '), text: text.join(' · ') }
}
