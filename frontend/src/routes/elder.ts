import type { RouteRecordRaw } from 'vue-router'

// 长辈模式's home for residents: three big actions (我要求助 / 我的求助 / 打电话给社区).
export default [
  { path: '/elder', component: () => import('../views/ElderHome.vue'), meta: { roles: ['resident'] } },
] satisfies RouteRecordRaw[]
