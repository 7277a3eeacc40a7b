// 长辈模式's screens and pieces: the switch, the three-button home, plain
// status words on the resident's cards, the category tiles of 我要求助.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../i18n'

const get = vi.fn()
const put = vi.fn()
const post = vi.fn()
vi.mock('../api', () => ({
  get: (...a: unknown[]) => get(...a),
  put: (...a: unknown[]) => put(...a),
  post: (...a: unknown[]) => post(...a),
  postBytes: vi.fn(),
  setToken: vi.fn(),
  setLanguage: vi.fn(),
}))

import ElderHome from './ElderHome.vue'
import NewRequest from './NewRequest.vue'
import ElderSwitch from '../components/ElderSwitch.vue'
import RequestCard from '../components/RequestCard.vue'
import { useSession, type Me } from '../stores/session'
import { usePrefs } from '../stores/prefs'
import { plainStatus } from '../statusWords'
import type { Request } from '../types'

const resident = (community: Record<string, unknown> = {}): Me =>
  ({ id: 3, name: '王秀英', phone: '13900000001', role: 'resident', community: { id: 2, name: '阳光社区', street: '和平街道', ...community } }) as Me

function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)', component: { template: '<div/>' } }] })
  return { plugins: [Vant, i18n, pinia, router], router }
}

beforeEach(() => {
  get.mockReset()
  put.mockReset()
  post.mockReset()
  localStorage.clear()
  document.documentElement.className = ''
  i18n.global.locale.value = 'zh'
})

describe('plainStatus', () => {
  it('says each status in plain words, in both languages', () => {
    const t = i18n.global.t
    expect(plainStatus('pending', t)).toBe('社区正在为您找志愿者')
    expect(plainStatus('accepted', t)).toBe('志愿者已接单，将按约定上门')
    expect(plainStatus('closed', t)).toBe('已办结，谢谢您的评价')
    expect(plainStatus('weird', t, '奇怪')).toBe('奇怪')
    i18n.global.locale.value = 'en'
    expect(plainStatus('completed', t)).toBe('Done: please rate the service')
  })
})

describe('ElderSwitch', () => {
  it('turns elder mode on and saves it for a signed-in user', async () => {
    const { plugins } = setup()
    useSession().me = resident()
    put.mockResolvedValue({ ...resident(), elder_mode: true })
    const w = mount(ElderSwitch, { global: { plugins } })
    const sw = w.find('[data-testid=elder-switch]')
    expect(sw.attributes('aria-checked')).toBe('false')
    expect(sw.attributes('aria-label')).toBe('长辈模式')
    await sw.trigger('click')
    await flushPromises()
    expect(put).toHaveBeenCalledWith('/me', { elder_mode: true })
    expect(document.documentElement.classList.contains('elder')).toBe(true)
    expect(w.find('[data-testid=elder-switch]').attributes('aria-checked')).toBe('true')
  })
})

describe('ElderHome', () => {
  it("has three big actions; the call button dials the community's phone", async () => {
    const { plugins } = setup()
    useSession().me = resident({ phone: '0571-86001234' })
    get.mockResolvedValue({ items: [{ id: 9, title: '代取快递', status: 'accepted', status_label: '已接单', created_at: '2026-12-04T06:10:00Z' }], next_cursor: null })
    const w = mount(ElderHome, { global: { plugins } })
    await flushPromises()
    expect(w.find('[data-testid=elder-ask]').text()).toContain('我要求助')
    expect(w.find('[data-testid=elder-mine]').text()).toContain('我的求助')
    expect(w.find('[data-testid=elder-call]').attributes('href')).toBe('tel:0571-86001234'.replace('-', ''))
    expect(w.find('[data-testid=recent-9]').text()).toContain('志愿者已接单，将按约定上门')
    expect(w.find('[data-testid=recent-9]').text()).toMatch(/12月4日 (上午|下午|晚上|凌晨|中午)\d+:10/)
    expect(get).toHaveBeenCalledWith('/requests?mine=true&limit=3')
  })
  it('looks the phone up in /communities, else offers the 12345 hotline', async () => {
    const { plugins } = setup()
    useSession().me = resident()
    get.mockImplementation(async (path: string) => (path === '/communities' ? [{ id: 2, name: '阳光社区', phone: null }] : { items: [], next_cursor: null }))
    const w = mount(ElderHome, { global: { plugins } })
    await flushPromises()
    expect(w.find('[data-testid=elder-call]').attributes('href')).toBe('tel:12345')
    expect(w.find('[data-testid=no-community-phone]').exists()).toBe(true)
    expect(w.text()).toContain('您还没有求助过')
  })
  it('shows a retry state when the list fails, not an empty one', async () => {
    const { plugins } = setup()
    useSession().me = resident({ phone: '0571-86001234' })
    get.mockRejectedValueOnce(new Error('网络连接失败，请稍后重试'))
    const w = mount(ElderHome, { global: { plugins } })
    await flushPromises()
    expect(w.find('[role=alert]').text()).toContain('网络连接失败')
    expect(w.text()).not.toContain('您还没有求助过')
    get.mockResolvedValueOnce({ items: [], next_cursor: null })
    await w.find('[role=alert] button').trigger('click')
    await flushPromises()
    expect(w.text()).toContain('您还没有求助过')
  })
})

describe('RequestCard for residents', () => {
  const r = { id: 7, title: '帮老人买菜', status: 'pending', status_label: '待派单', urgency: 'normal', address: '3号楼', category: { code: 'errands', name: '代购代办' } } as unknown as Request
  it('adds plain words; in elder mode they replace the short tag', async () => {
    const { plugins } = setup()
    useSession().me = resident()
    const w = mount(RequestCard, { props: { r }, global: { plugins } })
    expect(w.find('[data-testid=plain-status]').text()).toBe('社区正在为您找志愿者')
    expect(w.text()).toContain('待派单')
    usePrefs().setLocal(true)
    await flushPromises()
    expect(w.text()).not.toContain('待派单')
    expect(w.find('[data-testid=plain-status]').text()).toBe('社区正在为您找志愿者')
  })
  it('leaves members and admins with the label', () => {
    const { plugins } = setup()
    useSession().me = { ...resident(), role: 'member' }
    const w = mount(RequestCard, { props: { r }, global: { plugins } })
    expect(w.find('[data-testid=plain-status]').exists()).toBe(false)
    expect(w.text()).toContain('待派单')
  })
})

describe('NewRequest', () => {
  const cats = [
    { code: 'errands', name: '代购代办', group: '生活服务' },
    { code: 'elderly_care', name: '助老助残', group: '生活服务' },
  ]
  it('offers the categories as tiles and posts the choice, urgent and the place', async () => {
    const { plugins, router } = setup()
    useSession().me = resident()
    get.mockImplementation(async (path: string) => (path === '/categories' ? cats : []))
    post.mockResolvedValue({ id: 42 })
    const w = mount(NewRequest, { global: { plugins, stubs: { LocationPicker: true } }, attachTo: document.body })
    await flushPromises()
    const tile = w.find('[data-testid=category-errands]')
    expect(tile.text()).toContain('代购代办')
    expect(tile.attributes('aria-pressed')).toBe('false')
    expect(w.find('select').exists()).toBe(false)
    await tile.trigger('click')
    expect(w.find('[data-testid=category-errands]').attributes('aria-pressed')).toBe('true')
    await w.find('textarea[name=description]').setValue('帮我买一袋米，送到家里')
    await w.find('input[name=address]').setValue('1号楼302')
    await w.find('[data-testid=urgent]').trigger('click')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(post).toHaveBeenCalledWith('/requests', expect.objectContaining({ category: 'errands', title: '帮我买一袋米', urgency: 'urgent', address: '1号楼302' }))
    expect(post.mock.calls[0][1]).not.toHaveProperty('preferred_time')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/requests/42')
    w.unmount()
  })
  it('says in words when no category is chosen', async () => {
    const { plugins } = setup()
    useSession().me = resident()
    get.mockImplementation(async (path: string) => (path === '/categories' ? cats : []))
    const w = mount(NewRequest, { global: { plugins, stubs: { LocationPicker: true } }, attachTo: document.body })
    await flushPromises()
    await w.find('input[name=address]').setValue('1号楼302')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid=category-error]').text()).toBe('请先选一种服务')
    expect(post).not.toHaveBeenCalled()
    w.unmount()
  })
  it('shows "any time" until a time is picked', async () => {
    const { plugins } = setup()
    useSession().me = resident()
    get.mockImplementation(async (path: string) => (path === '/categories' ? cats : []))
    const w = mount(NewRequest, { global: { plugins, stubs: { LocationPicker: true } } })
    await flushPromises()
    expect(w.find('[data-testid=when-value]').text()).toBe('不限时间，由社区安排')
    expect(w.html()).not.toContain('datetime-local')
  })
})
