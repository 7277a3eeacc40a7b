// The admin desk's screens (side navigation: src/nav.ts).
import type { RouteRecordRaw } from 'vue-router'

const roles = ['admin', 'street_admin']

const routes: RouteRecordRaw[] = [
  { path: '/admin/requests', component: () => import('../views/desk/DeskRequests.vue'), meta: { roles, queryState: true } },
  { path: '/admin/map', component: () => import('../views/desk/DeskMap.vue'), meta: { roles } },
  { path: '/admin/order', component: () => import('../views/desk/DeskOrder.vue'), meta: { roles } },
]
export default routes
