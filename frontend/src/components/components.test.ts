import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Vant from 'vant'
import { createRouter, createMemoryHistory } from 'vue-router'
import { i18n } from '../i18n'
import StarProgress from './StarProgress.vue'
import RequestCard from './RequestCard.vue'
import type { Request } from '../types'

const plugins = [Vant, i18n]

describe('StarProgress', () => {
  it('shows the level and the way to the next star', () => {
    const w = mount(StarProgress, {
      props: { stars: { star: 1, counted_minutes: 150 * 60, next: { star: 2, threshold_hours: 300, minutes_to_go: 150 * 60 } } },
      global: { plugins },
    })
    expect(w.text()).toContain('1★')
    expect(w.text()).toContain('50%')
    expect(w.text()).toContain('150 h → 2★ (300 h)')
  })

  it('is full at the top level', () => {
    const w = mount(StarProgress, { props: { stars: { star: 5, counted_minutes: 2000 * 60, next: null } }, global: { plugins } })
    expect(w.text()).toContain('100%')
    expect(w.text()).not.toContain('→')
  })
})

describe('RequestCard', () => {
  it('shows number, title, status label and an urgent mark', () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)', component: { template: '<div/>' } }] })
    const r = {
      id: 7, title: '帮老人买菜', status: 'pending', status_label: '待派单', urgency: 'urgent', address: '3号楼',
      category: { code: 'errands', name: '代购代办' },
    } as unknown as Request
    const w = mount(RequestCard, { props: { r }, global: { plugins: [...plugins, router] } })
    expect(w.text()).toContain('#7 帮老人买菜')
    expect(w.text()).toContain('待派单')
    expect(w.text()).toContain('急')
    expect(w.find('[data-status=pending]').exists()).toBe(true)
  })
})
