// 家人代下单: the people I may order for and who may order for me
// (GET /me/relatives), shared by the account screen and the order form.
import { get } from './api'

export interface Relative { id: number; name: string; phone: string; since: string }
export interface Family { relatives: Relative[]; family: Relative[] }

export function loadFamily(): Promise<Family> {
  return get<Family>('/me/relatives')
}

/** A consent code as it is read aloud: 123 456. */
export function spacedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code
}
