import type { Request } from '../types'

/** 待办 vs 已完成: the statuses the member still acts on, the resident still waits on. */
export const MEMBER_TODO = ['dispatched', 'accepted', 'in_progress']
export const RESIDENT_ONGOING = ['pending', 'open', 'dispatched', 'accepted', 'in_progress', 'completed']

/** [those in `open`, the rest], keeping the order (newest first). */
export function splitByStatus<T extends Pick<Request, 'status'>>(items: T[], open: string[]): [T[], T[]] {
  return [items.filter((r) => open.includes(r.status)), items.filter((r) => !open.includes(r.status))]
}
