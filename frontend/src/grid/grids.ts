// The grids of the signed-in grid worker's community, and the ones they
// look after (`/me` lists their ids), for the grid screens.
import { computed } from 'vue'
import { get } from '../api'
import { useSession } from '../stores/session'

export interface Grid { id: number; name: string }

export async function communityGrids(): Promise<Grid[]> {
  return get<Grid[]>(`/communities/${useSession().me?.community.id}/grids`)
}

/** The grids out of `all` that the grid worker looks after, in order. */
export function mineOf(all: Grid[], ids: number[] | undefined): Grid[] {
  return all.filter((g) => ids?.includes(g.id))
}

export function useMyGrids(all: () => Grid[]) {
  const s = useSession()
  return computed(() => mineOf(all(), s.me?.grids))
}
