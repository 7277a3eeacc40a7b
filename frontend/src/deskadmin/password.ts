// Admin password reset (POST /users/{id}/password/reset → {password}): the
// temporary password, shown once.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { showConfirmDialog, showFailToast } from 'vant'
import { post } from '../api'

export function usePasswordReset() {
  const { t } = useI18n()
  const shown = ref<{ name: string; password: string } | null>(null)
  async function reset(person: { id: number; name: string }) {
    try {
      await showConfirmDialog({
        message: t('deskadmin.members.resetConfirm', { name: person.name }),
        confirmButtonText: t('confirm'),
        cancelButtonText: t('cancel'),
      })
    } catch {
      return
    }
    try {
      const r = await post<{ password: string }>(`/users/${person.id}/password/reset`, {})
      shown.value = { name: person.name, password: r.password }
    } catch (e) {
      showFailToast((e as Error).message)
    }
  }
  return { shown, reset }
}
