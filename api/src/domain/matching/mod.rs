//! The matching engine (组织派单): who fits a request best, and how to give a
//! whole batch of requests to members at once. Pure: fed by the services
//! layer with facts it loaded in a few set queries.

pub mod assign;
pub mod availability;
pub mod geo;
pub mod pool;
pub mod score;

pub use assign::{Market, Plan, greedy, market, optimal};
pub use availability::{Availability, Slot, Window};
pub use geo::GeoPoint;
pub use pool::{Menu, Pool, Roster};
pub use score::{Breakdown, Exclusion, MemberFacts, Ranking, RequestFacts, Skill, Weights, evaluate, place, rank};
