import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from './stores/session'

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/register', component: () => import('./views/Register.vue'), meta: { public: true } },
  { path: '/', component: () => import('./views/Home.vue') },
  { path: '/requests/new', component: () => import('./views/NewRequest.vue') },
  { path: '/requests', component: () => import('./views/MyRequests.vue') },
  { path: '/requests/:id', component: () => import('./views/RequestDetail.vue'), props: true },
  { path: '/hall', component: () => import('./views/TaskHall.vue') },
  { path: '/tasks', component: () => import('./views/MyTasks.vue') },
  { path: '/me', component: () => import('./views/Me.vue') },
  { path: '/qualifications', component: () => import('./views/MyQualifications.vue') },
  { path: '/appeals', component: () => import('./views/Appeals.vue') },
  { path: '/series', component: () => import('./views/Series.vue') },
  { path: '/series/:id', component: () => import('./views/SeriesDetail.vue'), props: true },
  { path: '/points', component: () => import('./views/MyPoints.vue') },
  { path: '/board', component: () => import('./views/Board.vue') },
  { path: '/market', component: () => import('./views/Market.vue') },
  { path: '/notifications', component: () => import('./views/Notifications.vue') },
  { path: '/account', component: () => import('./views/Account.vue') },
  { path: '/join', component: () => import('./views/MemberRegister.vue') },
  { path: '/admin', component: () => import('./views/AdminMore.vue') },
  { path: '/admin/members', component: () => import('./views/AdminMembers.vue') },
  { path: '/admin/qualifications', component: () => import('./views/AdminQualifications.vue') },
  { path: '/admin/rules', component: () => import('./views/AdminRules.vue') },
  { path: '/admin/rewards', component: () => import('./views/AdminRewards.vue') },
  { path: '/admin/dispatch', component: () => import('./views/AdminDispatch.vue') },
  { path: '/admin/verify', component: () => import('./views/AdminVerify.vue') },
  { path: '/admin/supervision', component: () => import('./views/AdminSupervision.vue') },
  { path: '/admin/dashboard', component: () => import('./views/AdminDashboard.vue') },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  const s = useSession()
  if (!s.me && s.token) await s.restore()
  if (!to.meta.public && !s.me) return '/login'
  return true
})
