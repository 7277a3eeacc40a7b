//! Who may see and administer what — the one rule, pure.
//!
//! * [`Authority`]: where an account acts as an administrator — a
//!   community admin (社区管理员) in their own community, a street admin
//!   (街道管理员) in every community of their street.
//! * [`Viewer`]: who may see a request — its resident or whoever entered it
//!   for them (代下单), its holder, an administrator of its community, and
//!   the community's members while it is in the task hall. The store builds
//!   its list query from the same rule ([`Viewer::sees_all_of`] and
//!   friends), and the live stream filters events with [`Viewer::can_view`].

use super::ids::{CommunityId, GridId, RequestId, UserId};
use super::request::Status;
use super::role::Role;

/// Where an account may act as an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    None,
    Community(CommunityId),
    /// Every community whose street is this one.
    Street(String),
}

impl Authority {
    pub fn of(role: Role, community: CommunityId, street: &str) -> Authority {
        match role {
            Role::Admin => Authority::Community(community),
            Role::StreetAdmin => Authority::Street(street.to_owned()),
            Role::Resident | Role::Member | Role::GridWorker => Authority::None,
        }
    }

    pub fn is_admin(&self) -> bool {
        !matches!(self, Authority::None)
    }

    /// Does it cover this community, which lies in `street`?
    pub fn covers(&self, community: CommunityId, street: &str) -> bool {
        match self {
            Authority::None => false,
            Authority::Community(c) => *c == community,
            Authority::Street(s) => s == street,
        }
    }
}

/// The parts of a request that decide who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    pub id: RequestId,
    pub community_id: CommunityId,
    /// 网格: its grid workers see it.
    pub grid_id: Option<GridId>,
    pub status: Status,
    pub resident_id: UserId,
    pub entered_by: UserId,
    pub assignee_id: Option<UserId>,
}

/// Someone looking at requests, with the communities they administer
/// resolved (a street admin's whole street).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub id: UserId,
    pub role: Role,
    pub community_id: CommunityId,
    pub administers: Vec<CommunityId>,
    /// Requests they follow without being party to them (a merged
    /// duplicate's resident, a neighbour who chose to follow): they see
    /// them, and act on nothing.
    pub follows: Vec<RequestId>,
    /// 网格员: the grids they look after — they see every request there,
    /// with the resident's contact (they do its 回访).
    pub grids: Vec<GridId>,
}

impl Viewer {
    /// The resident, whoever entered it for them, or its holder.
    pub fn is_party(&self, r: &Visibility) -> bool {
        r.resident_id == self.id || r.entered_by == self.id || r.assignee_id == Some(self.id)
    }

    pub fn administers(&self, community: CommunityId) -> bool {
        self.administers.contains(&community)
    }

    /// A grid worker of the request's grid.
    pub fn looks_after(&self, r: &Visibility) -> bool {
        r.grid_id.is_some_and(|g| self.grids.contains(&g))
    }

    /// Members see their own community's task hall.
    pub fn sees_hall_of(&self) -> Option<CommunityId> {
        (self.role == Role::Member).then_some(self.community_id)
    }

    pub fn can_view(&self, r: &Visibility) -> bool {
        self.is_party(r)
            || self.follows.contains(&r.id)
            || self.administers(r.community_id)
            || self.looks_after(r)
            || (self.sees_hall_of() == Some(r.community_id) && r.status == Status::Open)
    }

    /// The resident's name, phone and location: to administrators of the
    /// community, to the requester, and to the holder only while serving
    /// (PIPL: need to know).
    pub fn sees_contact(&self, r: &Visibility) -> bool {
        self.administers(r.community_id)
            || self.looks_after(r)
            || r.resident_id == self.id
            || r.entered_by == self.id
            || (r.assignee_id == Some(self.id) && r.status.is_active_service())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn req(status: Status, assignee: Option<i64>) -> Visibility {
        Visibility {
            id: RequestId(7),
            community_id: CommunityId(1),
            grid_id: Some(GridId(3)),
            status,
            resident_id: UserId(1),
            entered_by: UserId(2),
            assignee_id: assignee.map(UserId),
        }
    }

    fn viewer(id: i64, role: Role, community: i64, administers: &[i64]) -> Viewer {
        Viewer {
            id: UserId(id),
            role,
            community_id: CommunityId(community),
            administers: administers.iter().copied().map(CommunityId).collect(),
            follows: Vec::new(),
            grids: Vec::new(),
        }
    }

    #[test]
    fn authority_covers_its_community_or_street() {
        let admin = Authority::of(Role::Admin, CommunityId(1), "和平街道");
        assert!(admin.covers(CommunityId(1), "和平街道"));
        assert!(!admin.covers(CommunityId(2), "和平街道"));
        let street = Authority::of(Role::StreetAdmin, CommunityId(1), "和平街道");
        assert!(street.covers(CommunityId(2), "和平街道"));
        assert!(!street.covers(CommunityId(3), "别的街道"));
        assert!(!Authority::of(Role::Member, CommunityId(1), "和平街道").is_admin());
    }

    #[test]
    fn members_see_the_hall_of_their_own_community_only() {
        let member = viewer(20, Role::Member, 1, &[]);
        assert!(member.can_view(&req(Status::Open, None)));
        assert!(!member.can_view(&req(Status::Pending, None)));
        let elsewhere = viewer(21, Role::Member, 2, &[]);
        assert!(!elsewhere.can_view(&req(Status::Open, None)));
    }

    #[test]
    fn the_holder_sees_contact_only_while_serving() {
        let holder = viewer(20, Role::Member, 1, &[]);
        assert!(holder.sees_contact(&req(Status::Accepted, Some(20))));
        assert!(!holder.sees_contact(&req(Status::Dispatched, Some(20))));
        assert!(!holder.sees_contact(&req(Status::Closed, Some(20))));
        assert!(viewer(10, Role::Admin, 1, &[1]).sees_contact(&req(Status::Closed, Some(20))));
    }

    #[test]
    fn grid_workers_see_their_grids_requests_with_contact_and_nothing_else() {
        let worker = Viewer {
            grids: vec![GridId(3), GridId(4)],
            ..viewer(30, Role::GridWorker, 1, &[])
        };
        let mine = req(Status::Pending, None);
        assert!(worker.can_view(&mine) && worker.sees_contact(&mine));
        let other = Visibility {
            grid_id: Some(GridId(5)),
            ..mine
        };
        assert!(!worker.can_view(&other) && !worker.sees_contact(&other));
        let nowhere = Visibility { grid_id: None, ..mine };
        assert!(!worker.can_view(&nowhere));
        // Not a member: the task hall is not theirs.
        assert!(!worker.can_view(&Visibility {
            status: Status::Open,
            ..other
        }));
        assert!(!Authority::of(Role::GridWorker, CommunityId(1), "和平街道").is_admin());
    }

    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }

    proptest! {
        /// Whoever may see a request's contact may see the request.
        #[test]
        fn contact_implies_view(status in any_status(), assignee in proptest::option::of(1i64..30),
                                id in 1i64..30, role in proptest::sample::select(Role::ALL.to_vec()),
                                community in 1i64..3, admin in proptest::bool::ANY,
                                grid in proptest::option::of(3i64..6)) {
            let v = Viewer {
                grids: grid.map(GridId).into_iter().collect(),
                ..viewer(id, role, community, if admin { &[1] } else { &[] })
            };
            let r = req(status, assignee);
            prop_assert!(!v.sees_contact(&r) || v.can_view(&r));
        }
    }
}
