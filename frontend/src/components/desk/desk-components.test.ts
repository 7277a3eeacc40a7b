import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { i18n } from '../../i18n'

const candidates = {
  candidates: [
    {
      rank: 1,
      member: { user_id: 8, name: '孙伟' },
      score: 71.77,
      breakdown: {
        skill: { factor: 1, points: 35 }, distance: { factor: 0.8, points: 16.4 }, availability: { factor: 0.5, points: 7.5 },
        load: { factor: 0.33, points: 3.3 }, rating: { factor: 0.75, points: 7.5 }, fairness: { factor: 0.2, points: 2 },
        distance_km: 0.3927, same_grid: true, active: 2, max_active: 3, rating_avg: 4, rating_count: 1, recent_no_shows: 0,
      },
    },
  ],
  excluded_by_reason: { qualification: 1, declined: 1 },
  excluded: [
    { member: { user_id: 7, name: '赵敏' }, reason: 'qualification', message: '没有有效的电工证' },
    { member: { user_id: 6, name: '陈志强' }, reason: 'declined', message: '退回过这条需求' },
  ],
}
const get = vi.fn(async (_path: string): Promise<unknown> => candidates)
vi.mock('../../api', () => ({ get: (p: string) => get(p), post: vi.fn() }))

describe('Candidates (desk facts)', () => {
  it('shows distance, same grid, load, rating, the qualification, and who is left out in words', async () => {
    const { default: Candidates } = await import('../Candidates.vue')
    const w = mount(Candidates, { props: { requestId: 17, limit: 10, qualification: { name: '电工证' } }, global: { plugins: [Vant, i18n] } })
    await flushPromises()
    expect(get).toHaveBeenCalledWith('/requests/17/candidates?limit=10')
    const facts = w.find('[data-testid=candidate-facts]').text()
    expect(facts).toContain('距离 393 米')
    expect(facts).toContain('同网格')
    expect(facts).toContain('在办 2/3')
    expect(facts).toContain('评分 4.0（1 次）')
    expect(facts).toContain('持有效电工证')
    expect(w.find('[data-testid=excluded-summary]').text()).toContain('无有效资质 1 · 退回过此单 1')
    expect(w.find('[data-reason=qualification]').text()).toContain('没有有效的电工证')
    expect(w.find('[data-reason=declined]').text()).toContain('退回过此单')
  })

  it('offers a retry when the candidates cannot be read', async () => {
    get.mockRejectedValueOnce(new Error('网络连接失败'))
    const { default: Candidates } = await import('../Candidates.vue')
    const w = mount(Candidates, { props: { requestId: 3 }, global: { plugins: [Vant, i18n] } })
    await flushPromises()
    expect(w.text()).toContain('网络连接失败')
    await w.find('[data-testid=retry]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=candidate-facts]').exists()).toBe(true)
  })
})
