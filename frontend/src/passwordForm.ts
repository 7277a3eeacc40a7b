// On-device checks of the password forms (change, reset): each problem is a
// catalogue key under `mobile.pw`, shown under its own field.

export const MIN = 8
export const MAX = 128

export interface PasswordProblems { old?: string; next?: string; repeat?: string }

/** Change password: old given, new 8–128 and not the old one, repeated the same. */
export function checkChange(old: string, next: string, repeat: string): PasswordProblems {
  const p: PasswordProblems = { ...checkNew(next, repeat) }
  if (!old) p.old = 'mobile.pw.oldRequired'
  else if (!p.next && next === old) p.next = 'mobile.pw.sameAsOld'
  return p
}

/** A new password (reset or change): 8–128 characters, repeated the same. */
export function checkNew(next: string, repeat: string): PasswordProblems {
  const p: PasswordProblems = {}
  if (!next) p.next = 'mobile.pw.newRequired'
  else if ([...next].length < MIN || [...next].length > MAX) p.next = 'mobile.pw.length'
  if (!p.next && repeat !== next) p.repeat = 'mobile.pw.mismatch'
  return p
}

export const ok = (p: PasswordProblems) => !p.old && !p.next && !p.repeat

/** The server's `fields[].field` → the form's own field. */
export function fieldOf(server: string): keyof PasswordProblems | null {
  return ({ old_password: 'old', new_password: 'next', password: 'next' } as const)[server as 'old_password'] ?? null
}
