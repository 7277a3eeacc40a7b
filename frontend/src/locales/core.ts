// Texts of the app frame: 404, the role guard.
export default {
  zh: {
    notFound: '没有找到这个页面', backHome: '回到首页',
    denied: '这个页面不属于您的身份，已为您回到首页',
    mapOfPlace: '服务地点地图',
  },
  en: {
    notFound: 'There is no such page', backHome: 'Back to home',
    denied: 'That page is not for your role; you are back on your home page',
    mapOfPlace: 'Map of the place',
  },
}
