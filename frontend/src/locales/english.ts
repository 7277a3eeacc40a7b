// Texts of the English-mode and accessibility work (issue 14).
export default {
  zh: {
    english: {
      urgent: '急',
      dialog: '对话框',
    },
  },
  en: {
    english: {
      urgent: 'Urgent',
      dialog: 'Dialog',
    },
  },
}
