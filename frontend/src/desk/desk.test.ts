import { describe, expect, it } from 'vitest'
import { activeCount, apiQuery, emptyFilters, filtersFromQuery, filtersToQuery, isOverdue } from './filters'
import { date, dateTime, distance, localDay, ymd } from './format'
import { boundsOf, pinColour } from './map'
import { matchResidents, missing, orderBody, type Resident } from './residents'
import { planRows, reconcile, summary, type AutoPlan } from './plan'
import { activeLink, deskNav, navFor } from '../nav'

describe('filters ↔ address query', () => {
  it('round-trips every filter', () => {
    const f = { status: 'pending', category: 'errands', grid: '4', member: '7', from: '2026-12-01', to: '2026-12-04', overdue: true, urgent: true, q: '楼道灯' }
    const q = filtersToQuery(f)
    expect(q).toEqual({ status: 'pending', category: 'errands', grid: '4', member: '7', from: '2026-12-01', to: '2026-12-04', overdue: '1', urgent: '1', q: '楼道灯' })
    expect(filtersFromQuery(q as never)).toEqual(f)
  })
  it('leaves out what is not set and ignores malformed values', () => {
    expect(filtersToQuery(emptyFilters())).toEqual({})
    const f = filtersFromQuery({ grid: 'x', member: '-1', from: '12/01/2026', overdue: '0', q: '  ', status: ['open', 'closed'] })
    expect(f).toEqual({ ...emptyFilters(), status: 'open' })
  })
  it('makes the API query (contract B3 names)', () => {
    const f = { ...emptyFilters(), status: 'open', grid: '5', member: '6', overdue: true, q: ' 5号楼 ', from: '2026-12-01' }
    const p = new URLSearchParams(apiQuery(f, 40, 30))
    expect(Object.fromEntries(p)).toEqual({ status: 'open', grid_id: '5', assignee_id: '6', from: '2026-12-01', overdue: 'true', q: '5号楼', cursor: '40', limit: '30' })
    expect(apiQuery(emptyFilters())).toBe('limit=30')
  })
  it('counts the filters set', () => {
    expect(activeCount({ ...emptyFilters(), urgent: true, q: 'a' })).toBe(2)
  })
  it('tags a request overdue only when past its deadline and not finished', () => {
    const now = new Date('2026-12-04T12:00:00Z')
    expect(isOverdue({ status: 'pending', due_at: '2026-12-04T11:00:00Z' }, now)).toBe(true)
    expect(isOverdue({ status: 'pending', due_at: '2026-12-04T13:00:00Z' }, now)).toBe(false)
    expect(isOverdue({ status: 'closed', due_at: '2026-12-01T00:00:00Z' }, now)).toBe(false)
    expect(isOverdue({ status: 'open', due_at: null }, now)).toBe(false)
  })
})

describe('dates and distances for people', () => {
  const now = new Date(2026, 11, 4, 9, 0)
  it('writes Chinese and English dates, the year only when not this one', () => {
    const d = new Date(2026, 11, 4, 14, 30).toISOString()
    expect(dateTime(d, 'zh', now)).toBe('12月4日 14:30')
    expect(dateTime(d, 'en', now)).toBe('4 Dec 14:30')
    expect(date(new Date(2025, 0, 9).toISOString(), 'zh', now)).toBe('2025年1月9日')
    expect(dateTime(null, 'zh')).toBe('')
    expect(dateTime('nonsense', 'zh')).toBe('')
  })
  it('turns calendar days into the API form and back', () => {
    expect(ymd(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05')
    expect(localDay('2026-12-04').getDate()).toBe(4)
    expect(ymd(localDay('2026-02-28'))).toBe('2026-02-28')
  })
  it('writes metres under a kilometre', () => {
    const t = (k: string, a: Record<string, unknown>) => `${k}:${a.n}`
    expect(distance(0.3927, t)).toBe('desk.metres:393')
    expect(distance(2.345, t)).toBe('desk.km:2.3')
    expect(distance(null, t)).toBe('—')
  })
})

describe('desk navigation', () => {
  it('is for admins only; street overview and every group are there', () => {
    expect(navFor('resident')).toEqual([])
    expect(navFor('member')).toEqual([])
    const admin = navFor('admin')
    expect(admin.map((g) => g.label)).toEqual(['desk.nav.work', 'desk.nav.people', 'desk.nav.rules', 'desk.nav.stats', 'desk.nav.account'])
    expect(admin.flatMap((g) => g.items.map((i) => i.to))).toContain('/admin/requests')
  })
  it('filters by role and drops empty groups', () => {
    const groups = [
      { label: 'a', items: [{ to: '/x', label: 'x', icon: 'i', roles: ['street_admin' as const] }] },
      { label: 'b', items: [{ to: '/y', label: 'y', icon: 'i' }] },
    ]
    expect(navFor('admin', groups).map((g) => g.label)).toEqual(['b'])
    expect(navFor('street_admin', groups).map((g) => g.label)).toEqual(['a', 'b'])
  })
  it('marks the most specific link active', () => {
    const groups = [{ label: 'g', items: [{ to: '/admin', label: '', icon: '' }, { to: '/admin/members', label: '', icon: '' }] }]
    expect(activeLink('/admin/members/import', groups)).toBe('/admin/members')
    expect(activeLink('/admin', groups)).toBe('/admin')
    expect(activeLink('/administer', groups)).toBe(null)
    expect(activeLink('/admin/requests', deskNav)).toBe('/admin/requests')
  })
})

describe('map pins', () => {
  it('colours overdue red, waiting orange, in service blue', () => {
    expect(pinColour('accepted', true)).toBe('#d4380d')
    expect(pinColour('pending', false)).toBe('#ed6a0c')
    expect(pinColour('open', false)).toBe('#ed6a0c')
    expect(pinColour('in_progress', false)).toBe('#1565c0')
  })
  it('bounds the points', () => {
    expect(boundsOf([])).toBe(null)
    expect(boundsOf([{ lat: 30.27, lng: 120.15 }, { lat: 30.28, lng: 120.14 }])).toEqual([[30.27, 120.14], [30.28, 120.15]])
  })
})

describe('代下单', () => {
  const all: Resident[] = [
    { id: 3, name: '王秀英', phone: '13900000001', community_id: 2, grid_id: 4 },
    { id: 4, name: '张建国', phone: '13900000002', community_id: 2, grid_id: null },
    { id: 5, name: '王建', phone: '13800000001', community_id: 2, grid_id: 5 },
  ]
  it('finds by part of the phone or the name, exact first', () => {
    expect(matchResidents(all, '0000001').map((r) => r.id).sort()).toEqual([3, 5])
    expect(matchResidents(all, '13900000001').map((r) => r.id)).toEqual([3])
    expect(matchResidents(all, '建').map((r) => r.id).sort()).toEqual([4, 5])
    expect(matchResidents(all, '王建')[0].id).toBe(5)
    expect(matchResidents(all, '  ')).toEqual([])
  })
  it('builds the body for the resident and checks what is missing', () => {
    const f = { category: 'errands', title: ' 买菜 ', description: '', address: '3号楼', contact_phone: '13900000001', preferred_time: '', urgent: true }
    expect(orderBody(all[0], f)).toEqual({ resident_id: 3, category: 'errands', title: '买菜', address: '3号楼', urgency: 'urgent', contact_phone: '13900000001', grid_id: 4 })
    expect(orderBody(all[1], { ...f, urgent: false })).not.toHaveProperty('grid_id')
    expect(missing({ ...f, category: '', address: ' ' })).toEqual(['category', 'address'])
  })
})

describe('auto-dispatch table', () => {
  const m = (user_id: number, name: string) => ({ user_id, name })
  const preview: AutoPlan = {
    requests: 4, assigned: 3, total_score: 200, greedy_total_score: 190, unassigned: [],
    plan: [
      { request_id: 1, title: '买菜', member: m(6, '陈'), score: 70 },
      { request_id: 2, title: '修灯', member: m(7, '赵'), score: 60 },
      { request_id: 3, title: '陪诊', member: m(8, '孙'), score: 65 },
      { request_id: 4, title: '取药', member: m(6, '陈'), score: 50 },
    ],
  }
  it('shows the preview without outcomes', () => {
    const rows = planRows(preview)
    expect(rows.map((r) => [r.requestId, r.title, r.member.name, r.outcome])).toEqual([[1, '买菜', '陈', null], [2, '修灯', '赵', null], [3, '陪诊', '孙', null], [4, '取药', '陈', null]])
  })
  it('gives every previewed row its outcome after applying', () => {
    const done: AutoPlan = {
      ...preview,
      plan: [
        { request_id: 1, title: '买菜', member: m(6, '陈'), score: 70 },
        { request_id: 3, title: '陪诊', member: m(7, '赵'), score: 55 },
        { request_id: 4, title: '取药', member: m(6, '陈'), score: 50 },
        { request_id: 9, title: '新', member: m(8, '孙'), score: 40 },
      ],
      applied: [
        { request_id: 1, ok: true },
        { request_id: 3, ok: true },
        { request_id: 4, ok: false, code: 'member.full', message: '陈已满额' },
        { request_id: 9, ok: true },
      ],
    }
    const rows = reconcile(preview, done)
    expect(rows.map((r) => [r.requestId, r.outcome, r.message, r.movedTo?.name ?? null])).toEqual([
      [1, 'ok', '', null],
      [2, 'dropped', '', null],
      [3, 'moved', '', '赵'],
      [4, 'failed', '陈已满额', null],
      [9, 'added', '', null],
    ])
    expect(summary(rows)).toEqual({ ok: 3, failed: 2 })
  })
})
