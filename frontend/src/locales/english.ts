// Texts of the English-mode and accessibility work (issue 14).
export default {
  zh: {
    english: {
      urgent: '急',
      dialog: '对话框',
      colon: '：',
      paren: '（{text}）',
      listSep: '、',
    },
  },
  en: {
    english: {
      urgent: 'Urgent',
      dialog: 'Dialog',
      colon: ': ',
      paren: ' ({text})',
      listSep: ', ',
    },
  },
}
