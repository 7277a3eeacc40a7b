import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { useSession, type Me } from './stores/session'

type Role = Me['role']
const ADMIN: Role[] = ['admin', 'street_admin']
const MEMBER: Role[] = ['member']

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/register', component: () => import('./views/Register.vue'), meta: { public: true } },
  { path: '/', component: () => import('./views/Home.vue') },
  { path: '/requests/new', component: () => import('./views/NewRequest.vue') },
  { path: '/requests', component: () => import('./views/MyRequests.vue') },
  { path: '/requests/:id', component: () => import('./views/RequestDetail.vue'), props: true },
  { path: '/hall', component: () => import('./views/TaskHall.vue'), meta: { roles: MEMBER } },
  { path: '/tasks', component: () => import('./views/MyTasks.vue'), meta: { roles: MEMBER } },
  { path: '/me', component: () => import('./views/Me.vue') },
  { path: '/qualifications', component: () => import('./views/MyQualifications.vue'), meta: { roles: MEMBER } },
  { path: '/appeals', component: () => import('./views/Appeals.vue') },
  { path: '/series', component: () => import('./views/Series.vue') },
  { path: '/series/:id', component: () => import('./views/SeriesDetail.vue'), props: true },
  { path: '/points', component: () => import('./views/MyPoints.vue'), meta: { roles: MEMBER } },
  { path: '/board', component: () => import('./views/Board.vue') },
  { path: '/market', component: () => import('./views/Market.vue'), meta: { roles: MEMBER } },
  { path: '/notifications', component: () => import('./views/Notifications.vue') },
  { path: '/account', component: () => import('./views/Account.vue') },
  { path: '/join', component: () => import('./views/MemberRegister.vue') },
  { path: '/admin', component: () => import('./views/AdminMore.vue'), meta: { roles: ADMIN } },
  { path: '/admin/members', component: () => import('./views/AdminMembers.vue'), meta: { roles: ADMIN } },
  { path: '/admin/qualifications', component: () => import('./views/AdminQualifications.vue'), meta: { roles: ADMIN } },
  { path: '/admin/rules', component: () => import('./views/AdminRules.vue'), meta: { roles: ADMIN } },
  { path: '/admin/rewards', component: () => import('./views/AdminRewards.vue'), meta: { roles: ADMIN } },
  { path: '/admin/dispatch', component: () => import('./views/AdminDispatch.vue'), meta: { roles: ADMIN } },
  { path: '/admin/verify', component: () => import('./views/AdminVerify.vue'), meta: { roles: ADMIN } },
  { path: '/admin/supervision', component: () => import('./views/AdminSupervision.vue'), meta: { roles: ADMIN } },
  { path: '/admin/dashboard', component: () => import('./views/AdminDashboard.vue'), meta: { roles: ADMIN } },
  // Each screen area may add its routes in src/routes/<area>.ts (`export default [...]`).
  ...Object.values(import.meta.glob<{ default: RouteRecordRaw[] }>('./routes/*.ts', { eager: true })).flatMap((m) => m.default),
  { path: '/:pathMatch(.*)*', component: () => import('./views/NotFound.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  const s = useSession()
  if (!s.me && s.token) await s.restore()
  if (!to.meta.public && !s.me) return '/login'
  // A role guard on every route that is not for everyone: someone who opens
  // another role's screen lands on their own home with a word why.
  const roles = to.meta.roles as Role[] | undefined
  if (roles && s.me && !roles.includes(s.me.role)) return { path: '/', query: { denied: to.path } }
  return true
})
