import { defineStore } from 'pinia'
import { get } from '../api'
import { useSession } from './session'

/** A community a street admin may switch to (`GET /communities`). */
export interface CommunityRef {
  id: number
  name: string
  street: string
}

const KEY = 'linli.scope'

function remembered(): Record<string, number | null> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    return v && typeof v === 'object' ? v : {}
  } catch {
    return {}
  }
}

/**
 * The community the admin screens work on. A street admin picks one of the
 * street's communities (or none: the whole street, where the API allows it);
 * the choice is remembered per user. Community admins always work on their
 * own community, so `communityId` stays null for them and the API uses theirs.
 */
export const useScope = defineStore('scope', {
  state: () => ({
    communityId: null as number | null,
    communities: [] as CommunityRef[],
    userId: null as number | null,
  }),
  getters: {
    /** The community for endpoints that need one (rules, weights): the chosen one, else the admin's own. */
    current(state): number | null {
      return state.communityId ?? useSession().me?.community.id ?? null
    },
    /** The chosen community's name, or null for the whole street / the own community. */
    currentName(state): string | null {
      return state.communities.find((c) => c.id === state.communityId)?.name ?? null
    },
  },
  actions: {
    /** Reads the remembered choice for the signed-in user. */
    restore() {
      const me = useSession().me
      this.userId = me?.id ?? null
      this.communityId = me && me.role === 'street_admin' ? (remembered()[String(me.id)] ?? null) : null
    },
    /** Chooses a community (null: the whole street) and remembers it. */
    set(id: number | null) {
      const me = useSession().me
      if (this.userId !== (me?.id ?? null)) this.restore()
      this.communityId = me?.role === 'street_admin' ? id : null
      if (me) {
        const all = remembered()
        all[String(me.id)] = this.communityId
        localStorage.setItem(KEY, JSON.stringify(all))
      }
    },
    /** The street's communities (for the switcher). */
    async loadCommunities() {
      const me = useSession().me
      const all = await get<CommunityRef[]>('/communities')
      this.communities = me ? all.filter((c) => c.street === me.community.street) : all
      if (this.communityId !== null && !this.communities.some((c) => c.id === this.communityId)) this.set(null)
    },
    /**
     * `community_id=…&` for list queries when a community is chosen, else
     * nothing (the API's default scope). `prefix` is `?` or `&`.
     */
    query(prefix: '?' | '&' = '&'): string {
      const me = useSession().me
      if (this.userId !== (me?.id ?? null)) this.restore()
      return this.communityId !== null ? `${prefix}community_id=${this.communityId}` : ''
    },
  },
})

/** The scope store, with the signed-in user's remembered choice read in. */
export function useScopeReady() {
  const scope = useScope()
  const me = useSession().me
  if (scope.userId !== (me?.id ?? null)) scope.restore()
  return scope
}
