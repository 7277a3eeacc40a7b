// 家人代下单 — ordering for a relative who gave their consent code.
export default {
  zh: {
    family: {
      title: '家人代下单', letThem: '让家人替我下单：生成授权码，把手机号和授权码告诉家人。',
      makeCode: '生成授权码', newCode: '重新生成', codeHint: '{until} 前有效，只能用一次',
      iOrderFor: '我可以替他们下单', orderForMe: '可以替我下单的家人', unlink: '解除',
      unlinkConfirm: '解除与{name}的代下单关系？', addRelative: '替家人下单：填写家人的手机号和家人给您的授权码。',
      theirPhone: '家人的手机号', theirCode: '授权码', link: '确认关联', linked: '已关联，现在可以替家人下单',
      codeRequired: '请填写授权码', forWhom: '替谁下单', myself: '我自己',
    },
  },
  en: {
    family: {
      title: 'Ordering for family', letThem: 'Let family order for me: make a consent code and tell them your phone number and the code.',
      makeCode: 'Make a consent code', newCode: 'Make a new one', codeHint: 'Good until {until}, once',
      iOrderFor: 'I may order for', orderForMe: 'May order for me', unlink: 'End',
      unlinkConfirm: 'Stop ordering on behalf with {name}?', addRelative: "Order for a relative: enter their phone number and the code they gave you.",
      theirPhone: "Relative's phone", theirCode: 'Consent code', link: 'Link', linked: 'Linked: you may now order for them',
      codeRequired: 'Enter the consent code', forWhom: 'Who is it for', myself: 'Myself',
    },
  },
}
