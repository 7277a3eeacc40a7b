// A Vant icon for each service category (the tiles of 我要求助); the names
// are the API's. Unknown codes get a generic service icon.
const ICONS: Record<string, string> = {
  elderly_care: 'friends-o',
  appliance_repair: 'tv-o',
  electrical_repair: 'bulb-o',
  legal_advice: 'description-o',
  mediation: 'chat-o',
  environment: 'brush-o',
  errands: 'cart-o',
  counseling: 'smile-comment-o',
  health: 'like-o',
  patrol: 'shield-o',
  policy_outreach: 'bullhorn-o',
}

export function categoryIcon(code: string): string {
  return ICONS[code] ?? 'service-o'
}
