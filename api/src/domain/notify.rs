//! Who is told of a transition, and how. Pure: the service resolves the
//! audiences to people and writes inbox rows and outbox mail in the
//! transition's transaction.

use super::reminder::ReminderKind;
use super::request::{Action, State};
use super::sla::{Level, Stage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The resident the request is for.
    Resident,
    /// Whoever holds it after the transition.
    Holder,
    /// Whoever held it before (declined, repooled, cancelled, reopened).
    FormerHolder,
    /// The community's admins.
    Admins,
    /// The street's admins (escalation).
    StreetAdmins,
}

/// What a notice is about; the service turns it into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Transition(&'static str),
    Late(Stage, Level),
    /// 提醒 before the agreed time.
    Reminder(ReminderKind),
}

impl Topic {
    /// The stable `kind` of the notification (`dispatch`, `late.accept.overdue`, …).
    pub fn kind(self) -> String {
        match self {
            Topic::Transition(a) => a.to_owned(),
            Topic::Late(s, l) => format!("late.{}.{}", s.as_str(), l.as_str()),
            Topic::Reminder(k) => format!("remind.{}", k.as_str()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub audience: Audience,
    pub topic: Topic,
    /// Also by mail (to those with an address); always in the inbox.
    pub mail: bool,
}

fn n(audience: Audience, topic: Topic, mail: bool) -> Notice {
    Notice { audience, topic, mail }
}

/// The notices a transition sends.
pub fn for_transition(action: &Action, before: &State, _next: &State) -> Vec<Notice> {
    use Audience::*;
    let t = Topic::Transition(action.name());
    match action {
        Action::Dispatch { .. } => vec![n(Holder, t, true)],
        Action::Accept | Action::Claim | Action::Start => vec![n(Resident, t, false)],
        Action::Decline | Action::Withdraw => vec![n(Admins, t, true)],
        Action::Reclaim => vec![n(FormerHolder, t, true)],
        Action::NoShow => vec![n(FormerHolder, t, true), n(Admins, t, true)],
        Action::Complete { .. } => vec![n(Resident, t, true)],
        Action::Review { .. } => vec![n(Admins, t, false)],
        Action::Verify => vec![n(Holder, t, true)],
        Action::Cancel if before.assignee_id.is_some() => vec![n(FormerHolder, t, true)],
        Action::Reopen => vec![n(FormerHolder, t, true), n(Admins, t, false)],
        Action::Repool => vec![n(FormerHolder, t, true), n(Admins, t, true)],
        // 争议: the member and the admins hear of it; a ruling reaches both parties.
        Action::Dispute => vec![n(Holder, t, true), n(Admins, t, true)],
        Action::Redo | Action::Settle | Action::Rework => vec![n(Holder, t, true), n(Resident, t, false)],
        // A merged duplicate's former holder hears of it (its resident is told
        // which request they now follow, by the merge).
        Action::Merge { .. } if before.assignee_id.is_some() => vec![n(FormerHolder, t, true)],
        Action::Cancel | Action::Publish | Action::Merge { .. } => Vec::new(),
    }
}

/// The notices the sweeper sends when it finds a request late.
pub fn for_lateness(stage: Stage, level: Level) -> Vec<Notice> {
    use Audience::*;
    let t = Topic::Late(stage, level);
    match (stage, level) {
        // The last day to rate: the resident is asked once more.
        (Stage::Review, Level::AtRisk) => vec![n(Resident, t, true)],
        (_, Level::AtRisk) => Vec::new(),
        (Stage::FollowUp | Stage::Review, _) => vec![n(Admins, t, false)],
        (Stage::Verify, Level::Overdue) => vec![n(Admins, t, true)],
        (Stage::Dispatch, Level::Overdue) => vec![n(Admins, t, true)],
        (_, Level::Overdue) => vec![n(Holder, t, true), n(Admins, t, true)],
        (_, Level::Escalated) => vec![n(Admins, t, true), n(StreetAdmins, t, true)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

    #[test]
    fn dispatch_mails_the_member_and_nobody_else() {
        let s = State::new(UserId(1), UserId(1));
        let got = for_transition(&Action::Dispatch { assignee: UserId(5) }, &s, &s);
        assert_eq!(got, vec![n(Audience::Holder, Topic::Transition("dispatch"), true)]);
    }

    #[test]
    fn escalation_reaches_the_street() {
        let got = for_lateness(Stage::Accept, Level::Escalated);
        assert!(got.iter().any(|x| x.audience == Audience::StreetAdmins));
        assert_eq!(got[0].topic.kind(), "late.accept.escalated");
        assert!(for_lateness(Stage::Accept, Level::AtRisk).is_empty());
    }

    #[test]
    fn the_resident_is_reminded_to_rate_and_admins_hear_when_time_is_up() {
        assert_eq!(
            for_lateness(Stage::Review, Level::AtRisk),
            vec![n(Audience::Resident, Topic::Late(Stage::Review, Level::AtRisk), true)]
        );
        assert_eq!(
            for_lateness(Stage::Review, Level::Overdue)[0].audience,
            Audience::Admins
        );
    }
}
