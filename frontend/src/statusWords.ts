// Plain status words for residents (长辈模式 and their request cards):
// "社区正在为您找志愿者" instead of 待派单. Falls back to the server's label.
import type { ComposerTranslation } from 'vue-i18n'

type T = ComposerTranslation | ((key: string) => string)

export const PLAIN_STATUSES = ['pending', 'open', 'dispatched', 'accepted', 'in_progress', 'completed', 'reviewed', 'closed', 'cancelled']

export function plainStatus(status: string, t: T, fallback = ''): string {
  return PLAIN_STATUSES.includes(status) ? (t as (k: string) => string)(`elder.status.${status}`) : fallback || status
}
