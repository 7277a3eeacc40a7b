import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '../i18n'
import { ApiError } from '../api'
import { badLines, canSkip, dataRows, importProblems, stripLine, templateCsv, withoutLines, COLUMNS } from './csv'
import { diffRules, historyWithChanges } from './ruleDiff'
import { normalise, problems, shares, total, DEFAULT_WEIGHTS } from './weights'
import { actionName, summary, targetName, type AuditLine } from './audit'
import { dateTime } from './format'
import { useSession } from '../stores/session'
import { useScope, useScopeReady } from '../stores/scope'

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k))
const te = (k: string) => i18n.global.te(k)

describe('CSV import errors', () => {
  const refused = new ApiError(422, 'validation.failed', '提交的内容有误', [
    { field: 'kind', code: 'invalid', message: '第 3 行：类型须为 党员/志愿者（party_member/volunteer）', line: 3 } as never,
    { field: 'phone', code: 'phone', message: '第 2 行：手机号格式不正确', line: 2 } as never,
    { field: 'grid', code: 'unknown', message: 'line 3: No grid named X', line: 3 } as never,
  ])

  it('lists each problem with its line, field and message without the line prefix, in line order', () => {
    expect(importProblems(refused)).toEqual([
      { line: 2, field: 'phone', code: 'phone', message: '手机号格式不正确' },
      { line: 3, field: 'kind', code: 'invalid', message: '类型须为 党员/志愿者（party_member/volunteer）' },
      { line: 3, field: 'grid', code: 'unknown', message: 'No grid named X' },
    ])
  })

  it('turns a refusal without fields into one row for the whole file', () => {
    expect(importProblems(new ApiError(415, 'request.unsupported_media_type', '不支持的格式'))).toEqual([
      { line: null, field: 'file', code: 'unknown', message: '不支持的格式' },
    ])
  })

  it('strips only a leading line prefix', () => {
    expect(stripLine('第 12 行：姓名须为 1–50 个字')).toBe('姓名须为 1–50 个字')
    expect(stripLine('line 4: Unknown column x')).toBe('Unknown column x')
    expect(stripLine('手机号格式不正确')).toBe('手机号格式不正确')
  })

  it('knows which lines to leave out, and when it cannot (a header problem)', () => {
    const p = importProblems(refused)
    expect(badLines(p)).toEqual([2, 3])
    expect(canSkip(p)).toBe(true)
    const header = importProblems(new ApiError(422, 'validation.failed', 'x', [{ field: 'foo', code: 'unknown_column', message: '第 1 行：无法识别的列“foo”', line: 1 } as never]))
    expect(canSkip(header)).toBe(false)
    expect(badLines(header)).toEqual([])
  })

  it('leaves lines out of the file by number', () => {
    const text = 'phone,name,kind\n13800000001,甲,党员\nbad,乙,志愿者\r\n13800000003,丙,志愿者\n'
    const rest = withoutLines(text, [3])
    expect(rest).toBe('phone,name,kind\n13800000001,甲,党员\n13800000003,丙,志愿者\n')
    expect(dataRows(text)).toBe(3)
    expect(dataRows(rest)).toBe(2)
  })

  it('offers a template with every column and a BOM', () => {
    const csv = templateCsv()
    expect(csv.startsWith('\ufeff')).toBe(true)
    expect(csv.split('\n')[0].replace('\ufeff', '')).toBe(COLUMNS.join(','))
    for (const line of csv.trim().split('\n')) expect(line.split(',').length).toBe(COLUMNS.length)
  })
})

describe('rating rule history', () => {
  const v1 = { star_thresholds_hours: [100, 300], counting: 'all_time', points_per_hour: 1, activity_cap_minutes: null, check_in_required: false, category_multipliers_pct: {} }
  const v2 = { ...v1, star_thresholds_hours: [50, 300], points_per_hour: 2, activity_cap_minutes: 120, check_in_required: true, category_multipliers_pct: { elderly_care: 150 } }

  it('says what changed in words, in the order of the form', () => {
    i18n.global.locale.value = 'zh'
    expect(diffRules(v1, v2, t, (c) => (c === 'elderly_care' ? '助老助残' : c))).toEqual([
      '星级门槛（小时）：100、300 → 50、300',
      '每小时积分：1 → 2',
      '单次上限（分钟）：无 → 120',
      '必须签到签退：否 → 是',
      '助老助残积分倍数：默认 → 150%',
    ])
  })

  it('names counting and unknown fields, and nothing when nothing changed', () => {
    expect(diffRules(v1, { ...v1 }, t)).toEqual([])
    expect(diffRules(v1, { ...v1, counting: 'calendar_year', new_thing: 3 }, t)).toEqual(['计算方式：累计 → 按自然年', 'new_thing：无 → 3'])
  })

  it('speaks English too', () => {
    i18n.global.locale.value = 'en'
    expect(diffRules(v1, v2, t).slice(0, 2)).toEqual(['Star thresholds (hours): 100, 300 → 50, 300', 'Points per hour: 1 → 2'])
    i18n.global.locale.value = 'zh'
  })

  it('pairs each version with the one before it, newest first', () => {
    const h = historyWithChanges([
      { version: 1, rule: v1 },
      { version: 2, rule: v2 },
    ], t)
    expect(h.map((v) => v.version)).toEqual([2, 1])
    expect(h[0].changes.length).toBe(5)
    expect(h[1].changes).toEqual([])
  })
})

describe('matching weights', () => {
  it('sums, shares and checks like the API', () => {
    expect(total(DEFAULT_WEIGHTS)).toBe(100)
    expect(shares({ ...DEFAULT_WEIGHTS, skill: 135 }).skill).toBe(68)
    expect(problems({ ...DEFAULT_WEIGHTS, skill: 101 })).toEqual([{ field: 'skill', code: 'range' }])
    expect(problems({ skill: 0, distance: 0, availability: 0, load: 0, rating: 0, fairness: 0 })).toEqual([{ field: 'weights', code: 'all_zero' }])
    expect(problems(DEFAULT_WEIGHTS)).toEqual([])
  })

  it('scales to a sum of exactly 100 keeping the proportions', () => {
    const w = normalise({ skill: 50, distance: 50, availability: 50, load: 0, rating: 0, fairness: 0 })
    expect(total(w)).toBe(100)
    expect(w).toEqual({ skill: 34, distance: 33, availability: 33, load: 0, rating: 0, fairness: 0 })
    expect(normalise(DEFAULT_WEIGHTS)).toEqual(DEFAULT_WEIGHTS)
  })
})

describe('audit log', () => {
  const line: AuditLine = {
    id: 1, actor_id: 2, actor_name: '李主任', community_id: 2, action: 'rule.update', target_type: 'rating_rule', target_id: 5,
    detail: { version: 3, rule: {} }, created_at: '2026-12-04T06:00:00Z',
  }
  it('names actions and targets in Chinese, unknown ones as they are', () => {
    expect(actionName('rule.update', t, te)).toBe('修改积分规则')
    expect(actionName('points.award', t, te)).toBe('嘉许加分')
    expect(actionName('something.new', t, te)).toBe('something.new')
    expect(targetName(line, t, te)).toBe('积分规则 #5')
  })
  it('summarises the detail, keeping typed text apart', () => {
    expect(summary(line, t)).toEqual({ facts: '第 3 版', text: '' })
    expect(summary({ ...line, action: 'points.award', detail: { points: 10, reason: '参加义诊' } }, t)).toEqual({ facts: '10 分', text: '参加义诊' })
  })
})

describe('dates', () => {
  it('reads as Chinese dates, with the year only when it is not this one', () => {
    const now = new Date(2026, 11, 4, 12, 0)
    expect(dateTime(new Date(2026, 11, 4, 14, 30).toISOString(), 'zh', now)).toBe('12月4日 14:30')
    expect(dateTime(new Date(2025, 0, 2, 8, 5).toISOString(), 'zh', now)).toBe('2025年1月2日 08:05')
    expect(dateTime(new Date(2026, 11, 4, 14, 30).toISOString(), 'en', now)).toBe('Dec 4, 14:30')
    expect(dateTime(null, 'zh')).toBe('')
  })
})

describe('scope store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
  })
  const me = (role: 'admin' | 'street_admin', id = 9) => ({
    id, name: '王', phone: '13700000000', role, community: { id: 2, name: '阳光社区', street: '和平街道' },
  })

  it('lets a street admin choose a community, remembered per user, and passes it as community_id', () => {
    useSession().me = me('street_admin')
    const scope = useScopeReady()
    expect(scope.communityId).toBeNull()
    expect(scope.query()).toBe('')
    expect(scope.current).toBe(2)
    scope.set(1)
    expect(scope.query('?')).toBe('?community_id=1')
    expect(scope.current).toBe(1)
    // Another session of the same user finds the choice again.
    setActivePinia(createPinia())
    useSession().me = me('street_admin')
    expect(useScopeReady().communityId).toBe(1)
    // Someone else does not.
    setActivePinia(createPinia())
    useSession().me = me('street_admin', 10)
    expect(useScopeReady().communityId).toBeNull()
  })

  it('keeps a community admin on their own community', () => {
    useSession().me = me('admin')
    const scope = useScopeReady()
    scope.set(1)
    expect(scope.communityId).toBeNull()
    expect(scope.query()).toBe('')
    expect(scope.current).toBe(2)
  })

  it('re-reads the choice when another user signs in', () => {
    useSession().me = me('street_admin')
    useScopeReady().set(1)
    const s = useSession()
    s.me = me('admin', 2)
    expect(useScope().query()).toBe('')
  })

  it('lists only the street of the signed-in admin and forgets a community no longer there', async () => {
    useSession().me = me('street_admin')
    const scope = useScopeReady()
    scope.set(7)
    const fetchMock = vi.fn(async () => new Response(JSON.stringify([
      { id: 1, name: '幸福里社区', street: '和平街道' }, { id: 2, name: '阳光社区', street: '和平街道' }, { id: 3, name: '别处', street: '别的街道' },
    ]), { status: 200, headers: { 'content-type': 'application/json' } }))
    vi.stubGlobal('fetch', fetchMock)
    await scope.loadCommunities()
    vi.unstubAllGlobals()
    expect(scope.communities.map((c) => c.id)).toEqual([1, 2])
    expect(scope.communityId).toBeNull()
  })
})

describe('choosing a file to import', () => {
  const picked = (name: string, body = 'a,b\n1,2\n') => ({ target: { files: [new File([body], name)] } }) as unknown as Event
  it('reads a CSV itself, has the server read a workbook, and turns other files away', async () => {
    const { chosenCsv } = await import('./csv')
    const fromXlsx = vi.fn(async () => 'order_no\nGD1\n')
    expect(await chosenCsv(picked('orders.csv', '\ufeffa,b\n'), fromXlsx)).toEqual({ name: 'orders.csv', text: 'a,b\n' })
    expect(await chosenCsv(picked('12345.XLSX'), fromXlsx)).toEqual({ name: '12345.XLSX', text: 'order_no\nGD1\n' })
    expect(fromXlsx).toHaveBeenCalledTimes(1)
    expect(await chosenCsv(picked('orders.pdf'), fromXlsx)).toBe('not-csv')
  })
})
