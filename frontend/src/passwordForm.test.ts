import { describe, expect, it } from 'vitest'
import { checkChange, checkNew, fieldOf, ok } from './passwordForm'

describe('password forms', () => {
  it('asks for the old password and a long enough new one, typed twice', () => {
    expect(checkChange('', 'abc', 'abc')).toEqual({ old: 'mobile.pw.oldRequired', next: 'mobile.pw.length' })
    expect(checkChange('old-pass', 'new-pass-1', 'new-pass-2')).toEqual({ repeat: 'mobile.pw.mismatch' })
    expect(checkChange('same-pass', 'same-pass', 'same-pass')).toEqual({ next: 'mobile.pw.sameAsOld' })
    expect(ok(checkChange('old-pass', 'new-pass-1', 'new-pass-1'))).toBe(true)
  })
  it('checks a reset the same way, without an old password', () => {
    expect(checkNew('', '')).toEqual({ next: 'mobile.pw.newRequired' })
    expect(checkNew('x'.repeat(129), 'x'.repeat(129))).toEqual({ next: 'mobile.pw.length' })
    expect(ok(checkNew('新密码新密码新密码', '新密码新密码新密码'))).toBe(true)
  })
  it("maps the server's fields onto the form's", () => {
    expect(fieldOf('old_password')).toBe('old')
    expect(fieldOf('new_password')).toBe('next')
    expect(fieldOf('password')).toBe('next')
    expect(fieldOf('token')).toBeNull()
  })
})
