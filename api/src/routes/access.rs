//! Who may call each route — the expected answers of the authorization
//! matrix, written once, beside the routes (every route is registered
//! through [`super::table::Routes`] with its [`Access`]). Pure: no I/O, no
//! actix.
//!
//! The matrix test (`tests/tests/api/authz_matrix.rs`) calls every row of
//! [`super::table`] as each kind of caller on records of their own and of
//! someone else, in their own community and in another, and checks each
//! answer with [`answer_fits`].

use crate::domain::Role;

/// Who may call a route. "The record" is what the path's first id names
/// (a request, a member, a community…), or, for a route without one, the
/// community or person its query or body names (`community_id`,
/// `member_id`, `resident_id`, `request_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No sign-in needed: sign-up and sign-in, reference data, the public
    /// certificate check, health checks.
    Anyone,
    /// Any signed-in account. What it answers is the caller's own, or what
    /// their role lets them see (lists are scoped, not refused).
    SignedIn,
    /// An administrator — a community admin or a street admin — acting
    /// within their scope.
    Admin,
    /// A street admin (街道管理员).
    StreetAdmin,
    /// A resident or member — not an admin, not a grid worker (报到: a
    /// member is told they already reported in).
    NotAdmin,
    /// A member (党员 / 志愿者).
    Member,
    /// Anyone of the record's community, and admins in scope.
    PeopleOf,
    /// An admin of the record's community: its admin, or its street's.
    AdminOf,
    /// The record's owner: the requester (or who entered it for them),
    /// the member themselves, the owner of a qualification, notification…
    Owner,
    /// The owner, or an admin of the record's community.
    OwnerOrAdminOf,
    /// A resident for themselves, or an admin of the person's community
    /// (周期服务: members make none).
    ResidentOrAdminOf,
    /// The owner, the member who holds it (or answers an appeal, is
    /// paired), or an admin of its community.
    PartyOrAdminOf,
    /// Those who see the resident's contact: admins of the community, the
    /// requester, the holder while serving. The matrix's requests are
    /// being served; that a holder sees nothing before or after is
    /// `domain::scope`'s unit test.
    ContactOf,
    /// The member who holds the request.
    Holder,
    /// A member of the record's community (抢单, 兑换).
    MemberOf,
    /// A resident of the record's community (关注).
    ResidentOf,
    /// A grid worker (网格员: 走访).
    GridWorker,
    /// An administrator or a grid worker; what it answers is scoped to
    /// their communities or grids.
    Staff,
    /// An admin of the record's community, or a grid worker of its grid
    /// (回访).
    AdminOrGridOf,
}

/// The facts about a caller and a record that decide an [`Access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Caller {
    /// `None`: no token.
    pub role: Option<Role>,
    /// The record is theirs (see [`Access::Owner`]).
    pub owns: bool,
    /// They hold it: the request's holder, the member answering an appeal.
    pub holds: bool,
    /// The record lies in the caller's own community.
    pub in_community: bool,
    /// The caller administers the record's community.
    pub administers: bool,
    /// The caller is a grid worker of the record's grid.
    pub looks_after: bool,
}

impl Access {
    /// Does this rule let `c` call the route?
    pub fn allows(self, c: &Caller) -> bool {
        let Some(role) = c.role else {
            return self == Access::Anyone;
        };
        match self {
            Access::Anyone | Access::SignedIn => true,
            Access::Admin => role.is_admin(),
            Access::StreetAdmin => role == Role::StreetAdmin,
            Access::NotAdmin => role.is_neighbour(),
            Access::Member => role == Role::Member,
            Access::PeopleOf => c.in_community || c.administers,
            Access::AdminOf => c.administers,
            Access::Owner => c.owns,
            Access::OwnerOrAdminOf => c.owns || c.administers,
            Access::ResidentOrAdminOf => (c.owns && role == Role::Resident) || c.administers,
            Access::PartyOrAdminOf | Access::ContactOf => c.owns || c.holds || c.administers,
            Access::Holder => c.holds && role == Role::Member && c.in_community,
            Access::MemberOf => role == Role::Member && c.in_community,
            Access::ResidentOf => role == Role::Resident && c.in_community,
            Access::GridWorker => role == Role::GridWorker,
            Access::Staff => role.is_staff(),
            Access::AdminOrGridOf => c.administers || (c.looks_after && role == Role::GridWorker),
        }
    }

    /// Does the rule look at a record (else only at the caller's role)?
    pub fn needs_record(self) -> bool {
        !matches!(
            self,
            Access::Anyone
                | Access::SignedIn
                | Access::Admin
                | Access::StreetAdmin
                | Access::NotAdmin
                | Access::Member
                | Access::GridWorker
                | Access::Staff
        )
    }
}

/// The HTTP methods routes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One row of the route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub method: Method,
    /// The full path, `{…}` for its ids: `/api/v1/requests/{id}`. A route
    /// whose last segment names an action (`/requests/{id}/{action}`) has
    /// one row per action, the name in place.
    pub path: String,
    pub access: Access,
}

/// The rule the matrix checks every answer against:
/// * allowed → anything but 401, 403, 404 and 5xx (a 409 for the wrong
///   state, a 422 for a body the matrix could not make valid are answers
///   from behind the door);
/// * refused → 401 without a token; 403, or 404 (a record they may not
///   know of), with one;
/// * a 5xx never fits.
pub fn answer_fits(allowed: bool, anonymous: bool, status: u16) -> bool {
    if status >= 500 {
        return false;
    }
    match (allowed, anonymous) {
        (true, _) => !matches!(status, 401 | 403 | 404),
        (false, true) => status == 401,
        (false, false) => matches!(status, 403 | 404),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            role: Some(role),
            ..Caller::default()
        }
    }

    #[test]
    fn nobody_without_a_token_but_for_anyone() {
        let anonymous = Caller {
            owns: true,
            holds: true,
            in_community: true,
            administers: true,
            looks_after: true,
            role: None,
        };
        for a in [
            Access::SignedIn,
            Access::Owner,
            Access::AdminOf,
            Access::PeopleOf,
            Access::AdminOrGridOf,
            Access::Staff,
        ] {
            assert!(!a.allows(&anonymous), "{a:?}");
        }
        assert!(Access::Anyone.allows(&anonymous));
    }

    #[test]
    fn records_decide_for_record_rules() {
        let admin_here = Caller {
            administers: true,
            in_community: true,
            ..caller(Role::Admin)
        };
        let admin_elsewhere = caller(Role::Admin);
        assert!(Access::AdminOf.allows(&admin_here));
        assert!(!Access::AdminOf.allows(&admin_elsewhere));
        assert!(Access::Admin.allows(&admin_elsewhere));
        let holder_elsewhere = Caller {
            holds: true,
            ..caller(Role::Member)
        };
        assert!(!Access::Holder.allows(&holder_elsewhere));
        let own_member = Caller {
            owns: true,
            ..caller(Role::Member)
        };
        assert!(!Access::ResidentOrAdminOf.allows(&own_member));
        assert!(Access::OwnerOrAdminOf.allows(&own_member));
        assert!(!Access::NotAdmin.allows(&caller(Role::StreetAdmin)));
        assert!(Access::PeopleOf.allows(&Caller {
            in_community: true,
            ..caller(Role::Resident)
        }));
    }

    #[test]
    fn grid_workers_act_on_their_grids_and_are_not_admins() {
        let worker = caller(Role::GridWorker);
        let in_grid = Caller {
            looks_after: true,
            in_community: true,
            ..worker
        };
        assert!(Access::AdminOrGridOf.allows(&in_grid));
        assert!(!Access::AdminOrGridOf.allows(&worker));
        assert!(!Access::AdminOf.allows(&in_grid));
        assert!(Access::GridWorker.allows(&worker) && Access::Staff.allows(&worker));
        assert!(!Access::GridWorker.allows(&caller(Role::Admin)));
        assert!(Access::Staff.allows(&caller(Role::StreetAdmin)));
        assert!(!Access::Staff.allows(&caller(Role::Member)));
        assert!(!Access::Admin.allows(&worker));
    }

    #[test]
    fn refusals_are_401_without_a_token_and_403_or_404_with_one() {
        assert!(answer_fits(false, true, 401));
        assert!(!answer_fits(false, true, 403));
        assert!(answer_fits(false, false, 403));
        assert!(answer_fits(false, false, 404));
        assert!(!answer_fits(false, false, 200));
        assert!(!answer_fits(false, false, 422));
        assert!(answer_fits(true, false, 409));
        assert!(answer_fits(true, true, 422));
        assert!(!answer_fits(true, false, 403));
        assert!(!answer_fits(true, false, 404));
        assert!(!answer_fits(true, false, 500));
        assert!(!answer_fits(false, false, 503));
    }
}
