import type { RouteRecordRaw } from 'vue-router'

// The phone screens of issue 14: password help and certificate checks for
// anyone, the member's hours editor.
export default [
  { path: '/forgot-password', component: () => import('../views/phone/ForgotPassword.vue'), meta: { public: true } },
  { path: '/reset-password', component: () => import('../views/phone/ResetPassword.vue'), meta: { public: true } },
  { path: '/verify/:number', component: () => import('../views/phone/Verify.vue'), props: true, meta: { public: true } },
  { path: '/availability', component: () => import('../views/phone/Availability.vue'), meta: { roles: ['member'] } },
] satisfies RouteRecordRaw[]
