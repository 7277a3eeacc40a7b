import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import Vant from 'vant'
import { i18n } from './i18n'
import { categoryName, skillNames, loadCategories, resetCategories } from './categories'
import { applySummary } from './dispatch'
import { useLoad } from './composables/useLoad'
import LoadState from './components/LoadState.vue'

const menu = [
  { code: 'elderly_care', name: '助老助残', name_zh: '助老助残', name_en: 'Help for elderly and disabled', group: '生活服务' },
  { code: 'errands', name: '代购代办', name_zh: '代购代办', name_en: 'Errands', group: '生活服务' },
]

afterEach(() => {
  vi.unstubAllGlobals()
  resetCategories()
})

describe('categories', () => {
  it('shows skills by name, in the UI language', () => {
    expect(skillNames(['elderly_care', 'errands'], menu, 'zh')).toBe('助老助残、代购代办')
    expect(skillNames(['elderly_care', 'errands'], menu, 'en')).toBe('Help for elderly and disabled, Errands')
    expect(categoryName('unknown_code', menu, 'zh')).toBe('unknown_code')
    expect(skillNames(null, menu, 'zh')).toBe('')
  })
  it('fetches the menu once', async () => {
    const fetch = vi.fn().mockResolvedValue(new Response(JSON.stringify(menu), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    await Promise.all([loadCategories(), loadCategories()])
    await loadCategories()
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('applySummary', () => {
  const preview = {
    requests: 3, assigned: 3, total_score: 200, greedy_total_score: 200,
    plan: [
      { request_id: 1, title: '帮独居老人买菜', member: { user_id: 6, name: '陈志强' }, score: 70 },
      { request_id: 2, title: '热水器不出热水', member: { user_id: 8, name: '孙伟' }, score: 70 },
      { request_id: 3, title: '代买米面油', member: { user_id: 7, name: '赵敏' }, score: 60 },
    ],
  }
  it('counts what went through and what did not, with titles and the reason', () => {
    const s = applySummary({
      applied: [
        { request_id: 1, ok: true },
        { request_id: 2, ok: false, code: 'member.full', message: '孙伟已满额' },
        { request_id: 3, ok: false, code: 'request.invalid_transition' },
      ],
    }, preview)
    expect([s.ok, s.failed]).toEqual([1, 2])
    expect(s.rows[0]).toMatchObject({ title: '帮独居老人买菜', member_name: '陈志强' })
    expect(s.rows[1].message).toBe('孙伟已满额')
    expect(s.rows[2].message).toBe('未成功') // never the code
  })
  it('is all zero without an applied list', () => {
    expect(applySummary({}, null)).toEqual({ rows: [], ok: 0, failed: 0 })
  })
})

describe('useLoad and LoadState', () => {
  it('shows a retry state on failure, distinct from empty, and loads again on 重试', async () => {
    let fail = true
    const { data, error, loading, load } = useLoad(async () => {
      if (fail) throw new Error('服务暂时不可用，请稍后重试')
      return [1]
    }, [] as number[])
    await load()
    expect(error.value).toBe('服务暂时不可用，请稍后重试')
    const w = mount(LoadState, {
      props: { loading: loading.value, error: error.value, empty: !data.value.length, onRetry: async () => { fail = false; await load() } },
      slots: { default: '<p class="content">ok</p>' },
      global: { plugins: [Vant, i18n] },
    })
    expect(w.find('[data-testid=load-failed]').text()).toContain('服务暂时不可用')
    expect(w.find('[data-testid=empty]').exists()).toBe(false)
    await w.find('[data-testid=retry]').trigger('click')
    await flushPromises()
    expect(error.value).toBe('')
    expect(data.value).toEqual([1])
    await w.setProps({ loading: false, error: '', empty: false })
    expect(w.find('.content').exists()).toBe(true)
    await w.setProps({ empty: true })
    expect(w.find('[data-testid=empty]').text()).toContain('暂无内容')
  })
  it('keeps only the newest answer', async () => {
    const answers: ((v: number) => void)[] = []
    const { data, load } = useLoad(() => new Promise<number>((ok) => answers.push(ok)), 0)
    const first = load()
    const second = load()
    answers[1](2)
    answers[0](1)
    await Promise.all([first, second])
    expect(data.value).toBe(2)
  })
})
