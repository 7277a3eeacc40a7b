import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import Vant from 'vant'
import { createPinia } from 'pinia'
import { i18n } from '../../i18n'
import ContactCard from './ContactCard.vue'
import ReasonDialog from './ReasonDialog.vue'
import type { RequestPlus } from './types'

const global = { plugins: [Vant, i18n, createPinia()], stubs: { MapPin: { template: '<div data-testid="map-pin" />' } } }

function req(over: Partial<RequestPlus>): RequestPlus {
  return {
    id: 1, title: '买菜', address: '3号楼', contact_phone: '139****0001', preferred_time: '2026-12-05T07:00:00Z',
    resident: { id: 1, name: '王秀英' }, assignee: { id: 6, name: '陈志强' }, category: { code: 'errands', name: '代购代办' },
    ...over,
  } as RequestPlus
}

describe('ContactCard', () => {
  it('offers no call button for a masked number, and says when it shows', () => {
    const w = mount(ContactCard, { props: { r: req({}), mine: false }, global })
    expect(w.find('[data-testid=call-resident]').exists()).toBe(false)
    expect(w.find('[data-testid=phone-masked]').text()).toContain('139****0001')
  })
  it("gives the member serving it a tel: button and the map when the API reveals them", () => {
    const w = mount(ContactCard, { props: { r: req({ contact_phone: '13900000001', location: { lat: 30.27, lng: 120.15 } }), mine: false }, global })
    expect(w.find('[data-testid=call-resident]').attributes('href')).toBe('tel:13900000001')
    expect(w.find('[data-testid=map-pin]').exists()).toBe(true)
    expect(w.find('[data-testid=preferred-time]').text()).toMatch(/12月5日 周六 \d\d:\d\d/)
  })
  it('shows the address alone without a location, and never asks the resident to call themselves', () => {
    const w = mount(ContactCard, { props: { r: req({ contact_phone: '13900000001', preferred_time: null }), mine: true }, global })
    expect(w.find('[data-testid=map-pin]').exists()).toBe(false)
    expect(w.find('[data-testid=address]').text()).toBe('3号楼')
    expect(w.find('[data-testid=call-resident]').exists()).toBe(false)
    expect(w.text()).toContain('未指定时间')
  })
  it("lets the resident call the member when the API gives the member's number", () => {
    const w = mount(ContactCard, { props: { r: req({ assignee: { id: 6, name: '陈志强', phone: '13900000011' } }), mine: true }, global })
    expect(w.find('[data-testid=call-member]').attributes('href')).toBe('tel:13900000011')
  })
})

describe('ReasonDialog', () => {
  const mountDialog = (required: boolean) =>
    mount(ReasonDialog, {
      props: { show: true, title: '退回这个派单？', required, chips: ['busy', 'far'], prompt: '请写明原因' },
      global: { ...global, stubs: { ...global.stubs, teleport: true } },
    })

  it('sends nothing without a required reason and says so under the field', async () => {
    const w = mountDialog(true)
    await w.find('[data-testid=reason-submit]').trigger('click')
    expect(w.emitted('submit')).toBeUndefined()
    expect(w.text()).toContain('请写明原因')
  })
  it('fills the reason from the chips, once each', async () => {
    const w = mountDialog(true)
    await w.find('[data-testid=reason-chip-busy]').trigger('click')
    await w.find('[data-testid=reason-chip-far]').trigger('click')
    await w.find('[data-testid=reason-chip-busy]').trigger('click')
    await w.find('[data-testid=reason-submit]').trigger('click')
    expect(w.emitted('submit')?.[0]).toEqual(['时间冲突；距离太远'])
  })
  it('lets an optional reason be left out', async () => {
    const w = mountDialog(false)
    await w.find('[data-testid=reason-submit]').trigger('click')
    expect(w.emitted('submit')?.[0]).toEqual([''])
  })
})
