import { describe, expect, it } from 'vitest'
import { MEMBER_TODO, RESIDENT_ONGOING, splitByStatus } from './tabs'

describe('to-do vs done', () => {
  const items = ['dispatched', 'closed', 'in_progress', 'completed', 'cancelled', 'accepted', 'reviewed', 'pending'].map((status, id) => ({ id, status }))
  it('gives the member what they still act on first', () => {
    const [todo, done] = splitByStatus(items, MEMBER_TODO)
    expect(todo.map((r) => r.status)).toEqual(['dispatched', 'in_progress', 'accepted'])
    expect(done.map((r) => r.status)).toEqual(['closed', 'completed', 'cancelled', 'reviewed', 'pending'])
  })
  it('keeps a completed request ongoing for the resident until they rate it', () => {
    const [ongoing, finished] = splitByStatus(items, RESIDENT_ONGOING)
    expect(ongoing.map((r) => r.status)).toContain('completed')
    expect(finished.map((r) => r.status)).toEqual(['closed', 'cancelled', 'reviewed'])
  })
})
