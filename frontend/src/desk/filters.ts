// 全部需求: the list's filters, kept in the address (so a filtered list can be
// bookmarked, shared and survives a reload), and the API query they make
// (`GET /requests`, contract B3).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export interface Filters {
  status: string
  category: string
  grid: string
  member: string
  from: string
  to: string
  overdue: boolean
  urgent: boolean
  q: string
}

export const emptyFilters = (): Filters => ({
  status: '', category: '', grid: '', member: '', from: '', to: '', overdue: false, urgent: false, q: '',
})

const one = (v: LocationQuery[string] | undefined): string => {
  const x = Array.isArray(v) ? v[0] : v
  return typeof x === 'string' ? x : ''
}
const DATE = /^\d{4}-\d{2}-\d{2}$/
const ID = /^\d+$/

/** The filters the address says (anything malformed is ignored). */
export function filtersFromQuery(q: LocationQuery): Filters {
  const f = emptyFilters()
  f.status = one(q.status).trim()
  f.category = one(q.category).trim()
  f.grid = ID.test(one(q.grid)) ? one(q.grid) : ''
  f.member = ID.test(one(q.member)) ? one(q.member) : ''
  f.from = DATE.test(one(q.from)) ? one(q.from) : ''
  f.to = DATE.test(one(q.to)) ? one(q.to) : ''
  f.overdue = one(q.overdue) === '1' || one(q.overdue) === 'true'
  f.urgent = one(q.urgent) === '1' || one(q.urgent) === 'true'
  f.q = one(q.q).trim()
  return f
}

/** The address query for `f`: only what is set, in a stable order. */
export function filtersToQuery(f: Filters): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (f.status) out.status = f.status
  if (f.category) out.category = f.category
  if (f.grid) out.grid = f.grid
  if (f.member) out.member = f.member
  if (f.from) out.from = f.from
  if (f.to) out.to = f.to
  if (f.overdue) out.overdue = '1'
  if (f.urgent) out.urgent = '1'
  if (f.q.trim()) out.q = f.q.trim()
  return out
}

/** `GET /requests?…` for `f`, from `cursor` on. */
export function apiQuery(f: Filters, cursor: number | null = null, limit = 30): string {
  const p = new URLSearchParams()
  if (f.status) p.set('status', f.status)
  if (f.category) p.set('category', f.category)
  if (f.grid) p.set('grid_id', f.grid)
  if (f.member) p.set('assignee_id', f.member)
  if (f.from) p.set('from', f.from)
  if (f.to) p.set('to', f.to)
  if (f.overdue) p.set('overdue', 'true')
  if (f.urgent) p.set('urgent', 'true')
  if (f.q.trim()) p.set('q', f.q.trim())
  if (cursor != null) p.set('cursor', String(cursor))
  p.set('limit', String(limit))
  return p.toString()
}

/** How many filters are set (for a "clear filters" badge). */
export function activeCount(f: Filters): number {
  return Object.keys(filtersToQuery(f)).length
}

/** Statuses an admin filters by, in the order work moves. */
export const STATUSES = ['pending', 'open', 'dispatched', 'accepted', 'in_progress', 'completed', 'reviewed', 'closed', 'cancelled'] as const

/** Done with, as far as deadlines go. */
export const FINISHED = new Set(['closed', 'cancelled'])

/** Past its current deadline and not finished (the server's `due_at`). */
export function isOverdue(r: { status: string; due_at: string | null }, now: Date = new Date()): boolean {
  return !!r.due_at && !FINISHED.has(r.status) && new Date(r.due_at).getTime() < now.getTime()
}
