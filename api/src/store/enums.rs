//! The schema's enums (`entity::enums`) and the domain's, variant for
//! variant. The matches are exhaustive both ways: a variant added on one
//! side and not the other does not compile.

use crate::domain::{delivery, ledger, member, qualification, redemption, request, role, sla};
use crate::i18n::Lang;
use entity::enums as db;

macro_rules! mirror {
    ($db:ident <=> $dom:path { $($v:ident),+ $(,)? }) => {
        impl From<db::$db> for $dom {
            fn from(v: db::$db) -> Self {
                match v {
                    $(db::$db::$v => <$dom>::$v,)+
                }
            }
        }
        impl From<$dom> for db::$db {
            fn from(v: $dom) -> Self {
                match v {
                    $(<$dom>::$v => db::$db::$v,)+
                }
            }
        }
    };
}

mirror!(RequestStatus <=> request::Status {
    Pending, Dispatched, Open, Accepted, InProgress, Completed, Reviewed, Closed, Cancelled
});
mirror!(Urgency <=> request::Urgency { Normal, Urgent });
mirror!(EventStep <=> request::Step {
    Create, Dispatch, Publish, Accept, Claim, Decline, Start, Complete, Review, Verify, Cancel, Reopen, Repool,
    Reclaim, Withdraw, NoShow, Dispute, Redo, Settle, Rework, Merge
});
mirror!(Role <=> role::Role { Resident, Member, Admin, StreetAdmin, GridWorker });
mirror!(Lang <=> Lang { Zh, En });
mirror!(MemberKind <=> member::MemberKind { PartyMember, Volunteer });
mirror!(MemberStatus <=> member::MemberStatus { Pending, Active, Suspended });
mirror!(Channel <=> delivery::Channel { Mail });
mirror!(DeliveryStatus <=> delivery::DeliveryStatus { Pending, Sent, Dead });
mirror!(EntryKind <=> ledger::EntryKind { Service, Award, Deduction, Void, Correction, Redemption, Refund });
mirror!(RecordKind <=> ledger::RecordKind { Service, Reversal, Correction });
mirror!(RedemptionStatus <=> redemption::Status { Pending, Fulfilled, Cancelled });
mirror!(Stage <=> sla::Stage { Dispatch, Accept, Complete, FollowUp, Review, Verify });
mirror!(Level <=> sla::Level { AtRisk, Overdue, Escalated });
mirror!(FollowUpMethod <=> sla::FollowUpMethod { Call, Visit });
mirror!(QualificationKind <=> qualification::QualificationKind {
    LawyerLicence, ElectricianCertificate, MedicalLicence, NurseLicence, CounselorCertificate
});
mirror!(QualificationStatus <=> qualification::QualificationStatus { Pending, Verified, Rejected });

/// Column values for `IN (…)` filters.
pub fn db_all<D: Copy, E: From<D>>(values: &[D]) -> Vec<E> {
    values.iter().map(|v| E::from(*v)).collect()
}
