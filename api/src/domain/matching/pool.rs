//! The facts the engine scores a community on, as loaded and cached by the
//! service layer: the service menu with its groups, each community's roster
//! (profiles and skills) and the pool (roster plus everyone's standing).

use super::score::{MemberFacts, Skill};
use crate::domain::member::MemberKind;
use crate::domain::qualification::QualificationKind;
use std::collections::HashMap;

/// Service-menu categories with their group interned to a small number,
/// and the qualification (资质) each needs.
#[derive(Debug, Clone, Default)]
pub struct Menu {
    skill_of: HashMap<i64, Skill>,
    requires: HashMap<i64, QualificationKind>,
}

impl Menu {
    /// From `(category id, group name)` pairs.
    pub fn new<'a>(categories: impl IntoIterator<Item = (i64, &'a str)>) -> Menu {
        let mut groups: HashMap<&str, u32> = HashMap::new();
        let mut skill_of = HashMap::new();
        for (category_id, group_name) in categories {
            let next = groups.len() as u32;
            let group = *groups.entry(group_name).or_insert(next);
            skill_of.insert(category_id, Skill { category_id, group });
        }
        Menu {
            skill_of,
            requires: HashMap::new(),
        }
    }

    /// The same menu, with `category_id` needing `kind`.
    pub fn require(mut self, category_id: i64, kind: QualificationKind) -> Menu {
        self.requires.insert(category_id, kind);
        self
    }

    /// The qualification a category needs, if any.
    pub fn requires(&self, category_id: i64) -> Option<QualificationKind> {
        self.requires.get(&category_id).copied()
    }

    /// A category's skill (an unknown one matches no group).
    pub fn skill(&self, category_id: i64) -> Skill {
        self.skill_of.get(&category_id).copied().unwrap_or(Skill {
            category_id,
            group: u32::MAX,
        })
    }
}

/// The members registered in one community (any status: the engine says
/// why the inactive are left out), with no standing yet; `kinds[i]` is the
/// kind of `facts[i]`.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub facts: Vec<MemberFacts>,
    pub kinds: Vec<MemberKind>,
}

/// A roster with everyone's standing (load, ratings, recent assignments).
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub community_id: i64,
    pub facts: Vec<MemberFacts>,
    pub kinds: Vec<MemberKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_interned_and_unknowns_match_none() {
        let m = Menu::new([(1, "生活服务"), (2, "专业服务"), (3, "生活服务")]);
        assert_eq!(m.skill(1).group, m.skill(3).group);
        assert_ne!(m.skill(1).group, m.skill(2).group);
        assert_eq!(m.skill(9).group, u32::MAX);
        let m = m.require(2, QualificationKind::LawyerLicence);
        assert_eq!(m.requires(2), Some(QualificationKind::LawyerLicence));
        assert_eq!(m.requires(1), None);
    }
}
