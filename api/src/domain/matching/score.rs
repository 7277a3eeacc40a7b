//! How well one member fits one request, as a score with a visible breakdown.
//!
//! Six factors, each in `0.0..=1.0`, are multiplied by the community's
//! weights (points; the defaults sum to 100) and added up:
//!
//! | factor | 1.0 | lower |
//! |---|---|---|
//! | skill | has the request's category as a skill | 0.5 same group, 0 none |
//! | distance | at the spot (`exp(-km/2)` by haversine) | same grid 0.7, else 0.3 |
//! | availability | requested time inside a window | 0.5 when nothing to go by |
//! | load | holds nothing now | `1 - active/max` |
//! | rating (reliability) | 5★ average, no no-shows | smoothed toward 4★ over 2 phantom ratings; halved per recent no-show (爽约) |
//! | fairness | no task in the recent period | `1/(1+recent)` |
//!
//! Members who are not active, already full, unavailable at the requested
//! time, are the requester themselves, or lack a valid qualification (资质)
//! the request's category needs, are excluded, with that reason.

use super::availability::{Availability, Fit, Slot};
use super::geo::GeoPoint;
use crate::domain::member::MemberStatus;
use crate::domain::qualification::QualificationKind;
use serde::{Deserialize, Serialize};

/// Points per factor. Per-community setting; these defaults sum to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub skill: u16,
    pub distance: u16,
    pub availability: u16,
    pub load: u16,
    pub rating: u16,
    pub fairness: u16,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            skill: 35,
            distance: 20,
            availability: 15,
            load: 10,
            rating: 10,
            fairness: 10,
        }
    }
}

impl Weights {
    /// Each weight at most 100, and not all zero.
    pub fn is_valid(&self) -> bool {
        let all = [
            self.skill,
            self.distance,
            self.availability,
            self.load,
            self.rating,
            self.fairness,
        ];
        all.iter().all(|w| *w <= 100) && all.iter().any(|w| *w > 0)
    }
}

/// One entry of the service menu, as matching sees it: the category and its
/// group (助老 / 维修 / …), interned to a small number by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Skill {
    pub category_id: i64,
    pub group: u32,
}

/// Everything scoring needs to know about a member.
#[derive(Debug, Clone)]
pub struct MemberFacts {
    pub user_id: i64,
    pub status: MemberStatus,
    pub grid_id: Option<i64>,
    pub location: Option<GeoPoint>,
    pub availability: Availability,
    pub skills: Vec<Skill>,
    pub max_active: u32,
    /// Requests they hold now (dispatched, accepted, in progress).
    pub active: u32,
    pub rating_sum: u32,
    pub rating_count: u32,
    /// Requests assigned to them in the recent period.
    pub recent: u32,
    /// No-shows (爽约) recorded against them in the recent period.
    pub no_shows: u32,
    /// Qualification kinds they hold that count today (verified, not expired).
    pub qualifications: Vec<QualificationKind>,
}

impl MemberFacts {
    /// How many more requests they may take now.
    pub fn spare(&self) -> u32 {
        self.max_active.saturating_sub(self.active)
    }
}

/// Everything scoring needs to know about a request.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub id: i64,
    pub category: Skill,
    pub grid_id: Option<i64>,
    pub location: Option<GeoPoint>,
    /// The requested time in community local time.
    pub when: Option<Slot>,
    /// The resident and whoever entered it: never their own helper.
    pub requesters: [i64; 2],
    /// The qualification its category needs (资质), if any.
    pub requires: Option<QualificationKind>,
    /// Members who declined (退回) or gave back (退单) this request: never
    /// offered it again.
    pub declined: Vec<i64>,
}

/// Why a member is not a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Registration not yet approved.
    NotApproved,
    Suspended,
    /// Already holds `max_active` requests.
    Full,
    /// Stated windows, and the requested time is outside all of them.
    Unavailable,
    /// The member posted (or is) the request's resident.
    Requester,
    /// The category needs this qualification and the member holds none
    /// that counts today (missing, unverified, rejected or expired).
    Unqualified(QualificationKind),
    /// They declined or gave back this very request.
    Declined,
}

impl Exclusion {
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::NotApproved => "not_approved",
            Exclusion::Suspended => "suspended",
            Exclusion::Full => "full",
            Exclusion::Unavailable => "unavailable",
            Exclusion::Requester => "requester",
            Exclusion::Unqualified(_) => "qualification",
            Exclusion::Declined => "declined",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillFit {
    Exact,
    SameGroup,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AvailabilityFit {
    Covered,
    Unknown,
}

/// One factor's contribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Part {
    /// `0.0..=1.0`
    pub factor: f64,
    /// `factor × weight`
    pub points: f64,
}

/// The score and how it was reached, with the facts behind each factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breakdown {
    pub total: f64,
    pub skill: Part,
    pub distance: Part,
    pub availability: Part,
    pub load: Part,
    pub rating: Part,
    pub fairness: Part,
    pub skill_fit: SkillFit,
    /// Haversine distance when both sides have a position.
    pub distance_km: Option<f64>,
    pub same_grid: bool,
    pub availability_fit: AvailabilityFit,
    pub active: u32,
    pub max_active: u32,
    pub rating_avg: Option<f64>,
    pub rating_count: u32,
    pub recent_tasks: u32,
    /// Recent no-shows, each halving the rating factor.
    pub recent_no_shows: u32,
}

impl Breakdown {
    /// The total in thousandths of a point: what assignment adds up exactly.
    pub fn milli(&self) -> i64 {
        (self.total * 1000.0).round() as i64
    }
}

const PRIOR_STARS: f64 = 4.0;
const PRIOR_WEIGHT: f64 = 2.0;
/// Distance at which the distance factor falls to 1/e.
const DISTANCE_SCALE_KM: f64 = 2.0;

fn part(factor: f64, weight: u16) -> Part {
    Part {
        factor,
        points: factor * f64::from(weight),
    }
}

/// The first look: who is ruled out, and the request-specific factors that
/// cost no arithmetic (skill and availability).
struct Screened {
    skill_fit: SkillFit,
    availability_fit: AvailabilityFit,
    skill: Part,
    availability: Part,
}

fn screen(w: &Weights, req: &RequestFacts, m: &MemberFacts) -> Result<Screened, Exclusion> {
    match m.status {
        MemberStatus::Active => {}
        MemberStatus::Pending => return Err(Exclusion::NotApproved),
        MemberStatus::Suspended => return Err(Exclusion::Suspended),
    }
    if req.requesters.contains(&m.user_id) {
        return Err(Exclusion::Requester);
    }
    if req.declined.contains(&m.user_id) {
        return Err(Exclusion::Declined);
    }
    if let Some(kind) = req.requires
        && !m.qualifications.contains(&kind)
    {
        return Err(Exclusion::Unqualified(kind));
    }
    if m.active >= m.max_active {
        return Err(Exclusion::Full);
    }
    let availability_fit = match m.availability.fit(req.when) {
        Fit::Covered => AvailabilityFit::Covered,
        Fit::Unknown => AvailabilityFit::Unknown,
        Fit::Outside => return Err(Exclusion::Unavailable),
    };
    let mut skill_fit = SkillFit::None;
    for s in &m.skills {
        if s.category_id == req.category.category_id {
            skill_fit = SkillFit::Exact;
            break;
        }
        if s.group == req.category.group {
            skill_fit = SkillFit::SameGroup;
        }
    }
    Ok(Screened {
        skill_fit,
        availability_fit,
        skill: part(
            match skill_fit {
                SkillFit::Exact => 1.0,
                SkillFit::SameGroup => 0.5,
                SkillFit::None => 0.0,
            },
            w.skill,
        ),
        availability: part(
            match availability_fit {
                AvailabilityFit::Covered => 1.0,
                AvailabilityFit::Unknown => 0.5,
            },
            w.availability,
        ),
    })
}

/// The factors that depend on the member alone: `(load, rating, fairness)`.
fn standing(w: &Weights, m: &MemberFacts) -> (Part, Part, Part) {
    let load = part(1.0 - f64::from(m.active) / f64::from(m.max_active), w.load);
    let smoothed = (f64::from(m.rating_sum) + PRIOR_STARS * PRIOR_WEIGHT) / (f64::from(m.rating_count) + PRIOR_WEIGHT);
    // Reliability: each recent no-show halves what the ratings earned.
    let reliability = 0.5_f64.powi(i32::try_from(m.no_shows.min(16)).unwrap_or(16));
    let rating = part(((smoothed - 1.0) / 4.0).clamp(0.0, 1.0) * reliability, w.rating);
    let fairness = part(1.0 / (1.0 + f64::from(m.recent)), w.fairness);
    (load, rating, fairness)
}

/// `(factor, haversine km if both have a position, same grid)`.
fn distance(req: &RequestFacts, m: &MemberFacts) -> (f64, Option<f64>, bool) {
    let same_grid = req.grid_id.is_some() && req.grid_id == m.grid_id;
    let km = match (req.location, m.location) {
        (Some(a), Some(b)) => Some(a.distance_km(b)),
        _ => None,
    };
    let factor = match km {
        Some(km) => (-km / DISTANCE_SCALE_KM).exp(),
        None if same_grid => 0.7,
        None => 0.3,
    };
    (factor, km, same_grid)
}

/// Score one member for one request, or say why they are not a candidate.
pub fn evaluate(w: &Weights, req: &RequestFacts, m: &MemberFacts) -> Result<Breakdown, Exclusion> {
    let s = screen(w, req, m)?;
    let (load, rating, fairness) = standing(w, m);
    let (factor, distance_km, same_grid) = distance(req, m);
    let distance = part(factor, w.distance);
    Ok(Breakdown {
        total: total(&s, (load, rating, fairness), distance),
        skill: s.skill,
        distance,
        availability: s.availability,
        load,
        rating,
        fairness,
        skill_fit: s.skill_fit,
        distance_km,
        same_grid,
        availability_fit: s.availability_fit,
        active: m.active,
        max_active: m.max_active,
        rating_avg: (m.rating_count > 0).then(|| f64::from(m.rating_sum) / f64::from(m.rating_count)),
        rating_count: m.rating_count,
        recent_tasks: m.recent,
        recent_no_shows: m.no_shows,
    })
}

/// One order of addition everywhere, so a total is the same bits however
/// it was reached.
fn total(s: &Screened, (load, rating, fairness): (Part, Part, Part), distance: Part) -> f64 {
    s.skill.points + s.availability.points + load.points + rating.points + fairness.points + distance.points
}

/// Candidates for one request, best first, and everyone left out with why.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// `(index into members, breakdown)`, at most `limit`, best first.
    pub ranked: Vec<(usize, Breakdown)>,
    /// How many members qualified in all (before `limit`).
    pub eligible: usize,
    /// `(index into members, reason)` for every member left out.
    pub excluded: Vec<(usize, Exclusion)>,
}

/// A scored member, ordered worst-first so a max-heap's top is the weakest
/// of those kept. Better = higher total, then fewer tasks lately, then the
/// longest-registered (lowest id): the order is total and stable.
#[derive(Debug, Clone, Copy)]
struct Kept {
    total: f64,
    recent: u32,
    user_id: i64,
    index: usize,
}

impl Ord for Kept {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.total
            .total_cmp(&self.total)
            .then(self.recent.cmp(&o.recent))
            .then(self.user_id.cmp(&o.user_id))
    }
}
impl PartialOrd for Kept {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl PartialEq for Kept {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o).is_eq()
    }
}
impl Eq for Kept {}

/// Rank `members` for `req`, keeping the best `limit`: one pass, a heap of
/// the best so far, and the costly parts skipped for anyone who could not
/// reach the weakest kept even with them at their best. Exact: the result is
/// what scoring everyone and sorting would give (a property test checks).
pub fn rank(w: &Weights, req: &RequestFacts, members: &[MemberFacts], limit: usize) -> Ranking {
    let mut out = Ranking::default();
    let mut kept: std::collections::BinaryHeap<Kept> = std::collections::BinaryHeap::with_capacity(limit + 1);
    // Bounds are compared with a margin so rounding can never skip a tie.
    const MARGIN: f64 = 1e-9;
    let (best_standing, best_distance) = (f64::from(w.load + w.rating + w.fairness), f64::from(w.distance));
    let out_of_reach = |kept: &std::collections::BinaryHeap<Kept>, bound: f64| {
        kept.len() == limit && kept.peek().is_some_and(|weakest| bound + MARGIN < weakest.total)
    };
    for (index, m) in members.iter().enumerate() {
        let s = match screen(w, req, m) {
            Ok(s) => s,
            Err(e) => {
                out.excluded.push((index, e));
                continue;
            }
        };
        out.eligible += 1;
        if limit == 0
            || out_of_reach(
                &kept,
                s.skill.points + s.availability.points + best_standing + best_distance,
            )
        {
            continue;
        }
        let standing = standing(w, m);
        let so_far = total(&s, standing, part(0.0, w.distance));
        if out_of_reach(&kept, so_far + best_distance) {
            continue;
        }
        let next = Kept {
            total: total(&s, standing, part(distance(req, m).0, w.distance)),
            recent: m.recent,
            user_id: m.user_id,
            index,
        };
        if kept.len() < limit {
            kept.push(next);
        } else if kept.peek().is_some_and(|weakest| next < *weakest) {
            kept.pop();
            kept.push(next);
        }
    }
    out.ranked = kept
        .into_sorted_vec()
        .into_iter()
        .filter_map(|k| evaluate(w, req, &members[k.index]).ok().map(|b| (k.index, b)))
        .collect();
    out
}

/// Where the member at `index` stands for `req`: their place among the
/// eligible (1 = best, the order `rank` uses) and their breakdown, or why
/// they are left out. One pass, no sorting.
pub fn place(
    w: &Weights,
    req: &RequestFacts,
    members: &[MemberFacts],
    index: usize,
) -> Result<(usize, Breakdown), Exclusion> {
    let kept = |i: usize, b: &Breakdown| Kept {
        total: b.total,
        recent: members[i].recent,
        user_id: members[i].user_id,
        index: i,
    };
    let b = evaluate(w, req, &members[index])?;
    let me = kept(index, &b);
    let above = members
        .iter()
        .enumerate()
        .filter(|(i, m)| *i != index && evaluate(w, req, m).is_ok_and(|o| kept(*i, &o) < me))
        .count();
    Ok((above + 1, b))
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
