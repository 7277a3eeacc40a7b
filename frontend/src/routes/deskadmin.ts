// Admin screens for members, import, matching weights, rule history, the
// audit log and the street overview. (/admin/members itself is in router.ts.)
import type { RouteRecordRaw } from 'vue-router'

const ADMIN = { roles: ['admin', 'street_admin'] }

export default [
  { path: '/admin/members/import', component: () => import('../views/AdminMemberImport.vue'), meta: ADMIN },
  { path: '/admin/grid-workers', component: () => import('../views/AdminGridWorkers.vue'), meta: ADMIN },
  { path: '/admin/work-orders', component: () => import('../views/AdminWorkOrders.vue'), meta: ADMIN },
  { path: '/admin/weights', component: () => import('../views/AdminWeights.vue'), meta: ADMIN },
  { path: '/admin/rules/history', component: () => import('../views/AdminRuleHistory.vue'), meta: ADMIN },
  { path: '/admin/audit', component: () => import('../views/AdminAudit.vue'), meta: ADMIN },
  { path: '/admin/street', component: () => import('../views/StreetOverview.vue'), meta: ADMIN },
] satisfies RouteRecordRaw[]
