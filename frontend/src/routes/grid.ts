// 网格员's phone screens: their grids' requests, 代下单, the 走访 log.
import type { RouteRecordRaw } from 'vue-router'

const GRID = { roles: ['grid_worker'] }

export default [
  { path: '/grid', component: () => import('../views/grid/GridHome.vue'), meta: GRID },
  { path: '/grid/order', component: () => import('../views/grid/GridOrder.vue'), meta: GRID },
  { path: '/grid/visits', component: () => import('../views/grid/GridVisits.vue'), meta: GRID },
] satisfies RouteRecordRaw[]
