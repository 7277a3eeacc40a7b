// The admin desk's side navigation, in one list: a screen joins the desk by
// one line here (its label key lives in the area's locale file). Routes that
// other areas add later may be listed already; until they land they show the
// 404 page.
import type { Me } from './stores/session'

type Role = Me['role']
export interface NavItem {
  to: string
  /** i18n key of the link's words. */
  label: string
  icon: string
  /** Only for these roles (default: every desk role). */
  roles?: Role[]
}
export interface NavGroup {
  /** i18n key of the group heading. */
  label: string
  items: NavItem[]
}

export const deskNav: NavGroup[] = [
  {
    label: 'desk.nav.work',
    items: [
      { to: '/admin/requests', label: 'desk.allRequests', icon: 'orders-o' },
      { to: '/admin/dispatch', label: 'dispatch', icon: 'guide-o' },
      { to: '/admin/verify', label: 'verify', icon: 'passed' },
      { to: '/admin/supervision', label: 'supervision', icon: 'warning-o' },
      { to: '/admin/map', label: 'desk.map', icon: 'location-o' },
      { to: '/admin/order', label: 'desk.orderFor', icon: 'add-o' },
      { to: '/admin/work-orders', label: 'desk.workOrders', icon: 'phone-o' },
      { to: '/series', label: 'seriesAdmin', icon: 'replay' },
      { to: '/appeals', label: 'appeals', icon: 'balance-list-o' },
    ],
  },
  {
    label: 'desk.nav.people',
    items: [
      { to: '/admin/members', label: 'desk.membersNav', icon: 'friends-o' },
      { to: '/admin/members/import', label: 'desk.importNav', icon: 'description-o' },
      { to: '/admin/grid-workers', label: 'grid.adminNav', icon: 'cluster-o' },
      { to: '/admin/qualifications', label: 'qualificationReview', icon: 'certificate' },
    ],
  },
  {
    label: 'desk.nav.rules',
    items: [
      { to: '/admin/rules', label: 'rules', icon: 'balance-o' },
      { to: '/admin/rules/history', label: 'desk.ruleHistory', icon: 'records-o' },
      { to: '/admin/weights', label: 'desk.weights', icon: 'filter-o' },
      { to: '/admin/rewards', label: 'rewards', icon: 'gift-o' },
    ],
  },
  {
    label: 'desk.nav.stats',
    items: [
      { to: '/admin/dashboard', label: 'dashboard', icon: 'chart-trending-o' },
      { to: '/board', label: 'board', icon: 'medal-o' },
      { to: '/admin/audit', label: 'desk.auditLog', icon: 'description' },
      { to: '/admin/street', label: 'desk.streetOverview', icon: 'cluster-o' },
    ],
  },
  {
    label: 'desk.nav.account',
    items: [
      { to: '/account', label: 'account', icon: 'user-o' },
      { to: '/notifications', label: 'notifications', icon: 'bell' },
    ],
  },
]

/** The groups and links `role` sees (empty groups dropped). */
export function navFor(role: Role | undefined, groups: NavGroup[] = deskNav): NavGroup[] {
  if (role !== 'admin' && role !== 'street_admin') return []
  return groups
    .map((g) => ({ ...g, items: g.items.filter((i) => !i.roles || i.roles.includes(role)) }))
    .filter((g) => g.items.length > 0)
}

/** The link that is "here": the longest `to` that the path starts with. */
export function activeLink(path: string, groups: NavGroup[]): string | null {
  let best: string | null = null
  for (const g of groups)
    for (const i of g.items)
      if ((path === i.to || path.startsWith(`${i.to}/`)) && (!best || i.to.length > best.length)) best = i.to
  return best
}
