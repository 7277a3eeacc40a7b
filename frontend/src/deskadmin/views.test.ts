import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import { i18n } from '../i18n'
import { useSession } from '../stores/session'
import { useScope } from '../stores/scope'
import StreetOverview from '../views/StreetOverview.vue'
import AdminMemberImport from '../views/AdminMemberImport.vue'

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function setup(answers: (url: string, init?: RequestInit) => Response) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSession().me = { id: 9, name: '王街道', phone: '13700000000', role: 'street_admin', community: { id: 2, name: '阳光社区', street: '和平街道' } }
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => answers(String(url), init))
  vi.stubGlobal('fetch', fetchMock)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)', component: { template: '<div/>' } }] })
  return { plugins: [Vant, i18n, pinia, router], router, fetchMock }
}

describe('street overview', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => vi.unstubAllGlobals())

  it('lists the communities with totals, and a row switches to that community', async () => {
    const { plugins, router } = setup((url) =>
      url.includes('/street/overview')
        ? json({ communities: [
          { id: 1, name: '幸福里社区', open: 3, overdue: 1, at_risk: 0, received_month: 10, closed_month: 8, completion_rate: 0.8, members_active: 4, avg_rating: 4.5,
            hotline_month: 8, hotline_last_month: 10, hotline_change: -0.2 },
          { id: 2, name: '阳光社区', open: 5, overdue: 0, at_risk: 2, received_month: 10, closed_month: 6, completion_rate: 0.6, members_active: 6, avg_rating: null,
            hotline_month: 3, hotline_last_month: 0, hotline_change: null },
        ], hotline: { hotline_month: 11, hotline_last_month: 10, hotline_change: 0.1 } })
        : json([{ id: 1, name: '幸福里社区', street: '和平街道' }, { id: 2, name: '阳光社区', street: '和平街道' }]),
    )
    const w = mount(StreetOverview, { global: { plugins } })
    await flushPromises()
    const row = w.find('[data-testid=street-row-1]')
    expect(row.text()).toContain('幸福里社区')
    expect(row.text()).toContain('80.0%')
    expect(w.find('tfoot').text()).toContain('70.0%') // 14 closed of 20 received, one decimal as reports print it
    // 12345 环比 with its sign and two decimals, — without a month before.
    expect(w.find('[data-testid=hotline-change-1]').text()).toBe('−20.00%')
    expect(w.find('[data-testid=hotline-change-2]').text()).toBe('—')
    expect(w.find('[data-testid=hotline-change-street]').text()).toBe('+10.00%')
    await row.trigger('click')
    await flushPromises()
    expect(useScope().communityId).toBe(1)
    expect(router.currentRoute.value.path).toBe('/admin/dispatch')
  })

  it('shows a retry state when the overview cannot be read', async () => {
    const { plugins } = setup((url) => (url.includes('/street/overview') ? json({ code: 'service.unavailable', message: '服务暂不可用' }, 503) : json([])))
    const w = mount(StreetOverview, { global: { plugins } })
    await flushPromises()
    expect(w.text()).toContain('服务暂不可用')
    expect(w.find('[data-testid=retry]').exists()).toBe(true)
  })
})

describe('member import', () => {
  beforeEach(() => localStorage.clear())
  afterEach(() => vi.unstubAllGlobals())

  it('sends the CSV as text/csv to the chosen community and lists the problems by line', async () => {
    const { plugins, fetchMock } = setup((url) =>
      url.includes('/members/import')
        ? json({ code: 'validation.failed', message: '提交的内容有误', fields: [{ field: 'phone', code: 'phone', line: 3, message: '第 3 行：手机号格式不正确' }] }, 422)
        : json([]),
    )
    useScope().set(1)
    const w = mount(AdminMemberImport, { global: { plugins } })
    await w.find('[data-testid=csv-text]').setValue('phone,name,kind\n13800000001,甲,党员\n1380,乙,志愿者\n')
    await w.find('[data-testid=import-submit]').trigger('click')
    await flushPromises()
    const call = fetchMock.mock.calls.find(([u]) => String(u).includes('/members/import'))!
    expect(call[0]).toBe('/api/v1/members/import?community_id=1')
    expect((call[1]!.headers as Record<string, string>)['Content-Type']).toContain('text/csv')
    expect(w.find('[data-testid=error-line]').text()).toBe('3')
    expect(w.find('[data-testid=error-message]').text()).toBe('手机号格式不正确')
    expect(w.find('[data-testid=skip-bad]').text()).toContain('导入其余 1 行')
  })
})
