import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Vant from 'vant'
import { createPinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import { i18n } from '../i18n'
import StarProgress from './StarProgress.vue'
import RequestCard from './RequestCard.vue'
import QualificationCell from './QualificationCell.vue'
import type { Qualification, Request } from '../types'

const plugins = [Vant, i18n, createPinia()]

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

describe('QualificationCell', () => {
  const base = {
    id: 3, member: { id: 9, name: '赵敏' }, kind: 'lawyer_licence', kind_name: '律师执业证', number: '1330120', issuer: '浙江省司法厅',
    expires_on: '2026-12-24', note: null, status: 'verified', status_label: '已审核', reject_reason: null,
    valid: true, expired: false, days_left: 20, expiring_soon: true,
  } as Qualification

  it('shows the state, the expiry and the days left in Chinese', () => {
    const w = mount(QualificationCell, { props: { q: base, showMember: true }, global: { plugins } })
    expect(w.text()).toContain('赵敏')
    expect(w.text()).toContain('律师执业证')
    expect(w.text()).toContain('已审核')
    expect(w.text()).toContain('有效期至 2026年12月24日')
    expect(w.text()).toContain('20 天后到期')
    expect(w.text()).not.toMatch(/verified|lawyer/)
  })

  it('says why it was rejected, and when it has expired', () => {
    const q = { ...base, status: 'rejected', valid: false, expired: true, expiring_soon: false, days_left: -1, reject_reason: '照片不清晰' } as Qualification
    const w = mount(QualificationCell, { props: { q }, global: { plugins } })
    expect(w.text()).toContain('未通过')
    expect(w.text()).toContain('已过期')
    expect(w.text()).toContain('未通过原因：照片不清晰')
  })
})

describe('RequestCard with a qualification', () => {
  it('marks the qualification the category needs', () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)', component: { template: '<div/>' } }] })
    const r = {
      id: 8, title: '空调不制冷', status: 'open', status_label: '待抢单', urgency: 'normal', address: '4号楼',
      category: { code: 'appliance_repair', name: '家电维修', qualification: { code: 'electrician_certificate', name: '电工证' } },
    } as unknown as Request
    const w = mount(RequestCard, { props: { r }, global: { plugins: [...plugins, router] } })
    expect(w.find('[data-testid=needs]').text()).toBe('需电工证')
  })
})
