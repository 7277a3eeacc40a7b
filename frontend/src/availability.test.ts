import { describe, expect, it } from 'vitest'
import { copyDay, minutes, nextWindow, ofDay, problems, same, sorted, timeChoices, type Window } from './availability'

const w = (weekday: number, start: string, end: string): Window => ({ weekday, start, end })

describe('availability editor logic', () => {
  it('reads HH:MM and the end of the day', () => {
    expect(minutes('09:30')).toBe(570)
    expect(minutes('24:00')).toBe(1440)
    expect(minutes('9:30')).toBeNull()
    expect(minutes('25:00')).toBeNull()
  })

  it('sorts by day, then start', () => {
    expect(sorted([w(7, '08:00', '10:00'), w(6, '14:00', '16:00'), w(6, '08:00', '12:00')])).toEqual([
      w(6, '08:00', '12:00'), w(6, '14:00', '16:00'), w(7, '08:00', '10:00'),
    ])
    expect(ofDay([w(7, '08:00', '10:00'), w(6, '14:00', '16:00')], 6)).toEqual([w(6, '14:00', '16:00')])
  })

  it('flags an end before the start, a bad time and overlaps on the same day only', () => {
    const p = problems([w(1, '12:00', '09:00'), w(2, '9', '10:00'), w(3, '09:00', '12:00'), w(3, '11:00', '13:00'), w(4, '09:00', '12:00'), w(5, '09:00', '12:00')])
    expect(p.get(0)).toBe('order')
    expect(p.get(1)).toBe('format')
    expect(p.get(2)).toBe('overlap')
    expect(p.get(3)).toBe('overlap')
    expect(p.has(4)).toBe(false)
    expect(p.has(5)).toBe(false)
  })

  it('lets windows touch without overlapping', () => {
    expect(problems([w(6, '08:00', '12:00'), w(6, '12:00', '18:00')]).size).toBe(0)
  })

  it('proposes the next window after the last of the day, and none when the day is full', () => {
    expect(nextWindow([], 2)).toEqual(w(2, '09:00', '12:00'))
    expect(nextWindow([w(2, '09:00', '12:00')], 2)).toEqual(w(2, '12:00', '14:00'))
    expect(nextWindow([w(2, '20:00', '23:00')], 2)).toEqual(w(2, '23:00', '24:00'))
    expect(nextWindow([w(2, '20:00', '24:00')], 2)).toBeNull()
  })

  it('copies a day onto others, replacing what they had', () => {
    const out = copyDay([w(6, '08:00', '12:00'), w(7, '14:00', '16:00'), w(1, '09:00', '10:00')], 6, [6, 7])
    expect(out).toEqual([w(1, '09:00', '10:00'), w(6, '08:00', '12:00'), w(7, '08:00', '12:00')])
  })

  it('compares lists whatever their order', () => {
    expect(same([w(6, '08:00', '12:00'), w(7, '08:00', '12:00')], [w(7, '08:00', '12:00'), w(6, '08:00', '12:00')])).toBe(true)
    expect(same([w(6, '08:00', '12:00')], [w(6, '08:00', '13:00')])).toBe(false)
  })

  it('offers half hours on a 24-hour clock, keeping a saved time off the grid', () => {
    const starts = timeChoices('start')
    expect(starts[0]).toBe('00:00')
    expect(starts.at(-1)).toBe('23:30')
    expect(starts).toHaveLength(48)
    const ends = timeChoices('end', ['18:45'])
    expect(ends[0]).toBe('00:30')
    expect(ends.at(-1)).toBe('24:00')
    expect(ends).toContain('18:45')
    expect(ends.indexOf('18:45')).toBe(ends.indexOf('18:30') + 1)
  })
})
