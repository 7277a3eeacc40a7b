use super::*;
use proptest::prelude::*;

const RESIDENT: UserId = UserId(1);
const HELPER: UserId = UserId(2); // a grid worker who entered the request for the resident
const ADMIN: UserId = UserId(10);
const OTHER_ADMIN: UserId = UserId(11); // admin of another community
const MEMBER_A: UserId = UserId(20);
const MEMBER_B: UserId = UserId(21);
const OUTSIDER_MEMBER: UserId = UserId(30); // member of another community
/// Not a person: stands for [`Actor::System`] in the tables below.
const SYSTEM: UserId = UserId(-1);

fn actor(id: UserId) -> Actor {
    if id == SYSTEM {
        return Actor::System;
    }
    Actor::Person(Person {
        id,
        admin_here: id == ADMIN,
        member_here: id == MEMBER_A || id == MEMBER_B,
    })
}

fn minutes(m: i32) -> ServiceMinutes {
    ServiceMinutes::from_minutes(m).expect("valid")
}

fn stars(n: i64) -> Stars {
    Stars::new(n).expect("valid")
}

fn run(state: &State, steps: &[(Action, UserId)]) -> Result<State, Refusal> {
    steps
        .iter()
        .try_fold(state.clone(), |s, (a, who)| apply(&s, a, &actor(*who)))
}

#[test]
fn whole_loop_via_dispatch() {
    let end = run(
        &State::new(RESIDENT, RESIDENT),
        &[
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
            (Action::Start, MEMBER_A),
            (
                Action::Complete {
                    minutes: minutes(90),
                    summary: "修好了".into(),
                },
                MEMBER_A,
            ),
            (
                Action::Review {
                    stars: stars(5),
                    comment: Some("谢谢".into()),
                },
                RESIDENT,
            ),
            (Action::Verify, ADMIN),
        ],
    )
    .expect("loop");
    assert_eq!(end.status, Status::Closed);
    assert_eq!(end.assignee_id, Some(MEMBER_A));
    assert_eq!(end.service_minutes, Some(90));
    assert_eq!(end.rating, Some(5));
}

#[test]
fn whole_loop_via_task_hall() {
    let end = run(
        &State::new(RESIDENT, HELPER),
        &[
            (Action::Publish, ADMIN),
            (Action::Claim, MEMBER_B),
            (Action::Start, MEMBER_B),
            (
                Action::Complete {
                    minutes: minutes(30),
                    summary: "ok".into(),
                },
                MEMBER_B,
            ),
            (
                Action::Review {
                    stars: stars(4),
                    comment: None,
                },
                HELPER,
            ),
            (Action::Verify, ADMIN),
        ],
    )
    .expect("loop");
    assert_eq!(end.status, Status::Closed);
    assert_eq!(end.assignee_id, Some(MEMBER_B));
}

#[test]
fn second_claim_is_already_taken() {
    let open = run(&State::new(RESIDENT, RESIDENT), &[(Action::Publish, ADMIN)]).expect("open");
    let taken = apply(&open, &Action::Claim, &actor(MEMBER_A)).expect("first claim");
    assert_eq!(
        apply(&taken, &Action::Claim, &actor(MEMBER_B)),
        Err(Refusal::AlreadyTaken)
    );
}

#[test]
fn forbidden_actors() {
    let pending = State::new(RESIDENT, RESIDENT);
    let f = Err(Refusal::Forbidden);
    assert_eq!(apply(&pending, &Action::Publish, &actor(RESIDENT)), f);
    assert_eq!(apply(&pending, &Action::Publish, &actor(OTHER_ADMIN)), f);
    assert_eq!(
        apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(MEMBER_A)),
        f
    );
    assert_eq!(apply(&pending, &Action::Cancel, &actor(MEMBER_A)), f);
    let open = apply(&pending, &Action::Publish, &actor(ADMIN)).expect("open");
    assert_eq!(apply(&open, &Action::Claim, &actor(OUTSIDER_MEMBER)), f);
    assert_eq!(apply(&open, &Action::Claim, &actor(RESIDENT)), f);
    let dispatched = apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(ADMIN)).expect("d");
    assert_eq!(apply(&dispatched, &Action::Accept, &actor(MEMBER_B)), f);
}

#[test]
fn wrong_states() {
    let pending = State::new(RESIDENT, RESIDENT);
    assert_eq!(
        apply(&pending, &Action::Verify, &actor(ADMIN)),
        Err(Refusal::WrongState(Status::Pending))
    );
    let accepted = run(&pending, &[(Action::Publish, ADMIN), (Action::Claim, MEMBER_A)]).expect("a");
    assert_eq!(
        apply(&accepted, &Action::Cancel, &actor(RESIDENT)),
        Err(Refusal::WrongState(Status::Accepted))
    );
    assert_eq!(
        apply(&accepted, &Action::Publish, &actor(ADMIN)),
        Err(Refusal::WrongState(Status::Accepted))
    );
}

#[test]
fn decline_and_withdraw_return_to_pending() {
    let pending = State::new(RESIDENT, RESIDENT);
    let back = run(
        &pending,
        &[
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Decline, MEMBER_A),
        ],
    )
    .expect("decline");
    assert_eq!((back.status, back.assignee_id), (Status::Pending, None));
    let back = run(
        &pending,
        &[
            (Action::Publish, ADMIN),
            (Action::Claim, MEMBER_B),
            (Action::Withdraw, MEMBER_B),
        ],
    )
    .expect("withdraw");
    assert_eq!((back.status, back.assignee_id), (Status::Pending, None));
    // Decline answers a dispatch; once accepted, the holder withdraws.
    let accepted = run(&pending, &[(Action::Publish, ADMIN), (Action::Claim, MEMBER_B)]).expect("claimed");
    assert_eq!(
        apply(&accepted, &Action::Decline, &actor(MEMBER_B)),
        Err(Refusal::WrongState(Status::Accepted))
    );
    let started = apply(&accepted, &Action::Start, &actor(MEMBER_B)).expect("start");
    assert_eq!(
        apply(&started, &Action::Withdraw, &actor(MEMBER_B)),
        Err(Refusal::WrongState(Status::InProgress))
    );
}

#[test]
fn an_admin_reclaims_from_any_holder_and_nobody_else_does() {
    let pending = State::new(RESIDENT, RESIDENT);
    for steps in [
        vec![(Action::Dispatch { assignee: MEMBER_A }, ADMIN)],
        vec![
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
        ],
        vec![
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
            (Action::Start, MEMBER_A),
        ],
    ] {
        let held = run(&pending, &steps).expect("held");
        let back = apply(&held, &Action::Reclaim, &actor(ADMIN)).expect("reclaim");
        assert_eq!((back.status, back.assignee_id), (Status::Pending, None));
        for who in [RESIDENT, MEMBER_A, OTHER_ADMIN, SYSTEM] {
            assert_eq!(apply(&held, &Action::Reclaim, &actor(who)), Err(Refusal::Forbidden));
        }
    }
    assert_eq!(
        apply(&pending, &Action::Reclaim, &actor(ADMIN)),
        Err(Refusal::WrongState(Status::Pending))
    );
}

#[test]
fn a_no_show_needs_the_agreed_time_to_have_passed() {
    let accepted = run(
        &State::new(RESIDENT, HELPER),
        &[
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
        ],
    )
    .expect("accepted");
    assert_eq!(
        apply(&accepted, &Action::NoShow, &actor(RESIDENT)),
        Err(Refusal::WrongState(Status::Accepted))
    );
    let late = State {
        lapsed: Lapsed {
            appointment: true,
            ..Lapsed::default()
        },
        ..accepted
    };
    for who in [RESIDENT, ADMIN] {
        let back = apply(&late, &Action::NoShow, &actor(who)).expect("no-show");
        assert_eq!((back.status, back.assignee_id), (Status::Pending, None));
    }
    // Whoever entered it for the resident is not the one kept waiting.
    for who in [HELPER, MEMBER_A, MEMBER_B, OTHER_ADMIN, SYSTEM] {
        assert_eq!(apply(&late, &Action::NoShow, &actor(who)), Err(Refusal::Forbidden));
    }
}

#[test]
fn an_unrated_request_is_verified_only_after_the_residents_time() {
    let completed = run(
        &State::new(RESIDENT, RESIDENT),
        &[
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
            (Action::Start, MEMBER_A),
            (
                Action::Complete {
                    minutes: minutes(60),
                    summary: "ok".into(),
                },
                MEMBER_A,
            ),
        ],
    )
    .expect("completed");
    assert_eq!(
        apply(&completed, &Action::Verify, &actor(ADMIN)),
        Err(Refusal::WrongState(Status::Completed))
    );
    let lapsed = State {
        lapsed: Lapsed {
            review: true,
            ..Lapsed::default()
        },
        ..completed
    };
    let closed = apply(&lapsed, &Action::Verify, &actor(ADMIN)).expect("verify unrated");
    assert_eq!((closed.status, closed.rating), (Status::Closed, None));
    assert_eq!(closed.check_invariants(), Ok(()));
}

#[test]
fn a_suspended_member_acts_on_nothing() {
    let suspended = Actor::Person(Person {
        id: MEMBER_A,
        admin_here: false,
        // Suspension withdraws the member role.
        member_here: false,
    });
    let pending = State::new(RESIDENT, RESIDENT);
    let open = apply(&pending, &Action::Publish, &actor(ADMIN)).expect("open");
    assert_eq!(apply(&open, &Action::Claim, &suspended), Err(Refusal::Forbidden));
    let dispatched = apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(ADMIN)).expect("d");
    assert_eq!(allowed(&dispatched, &suspended), Vec::<Step>::new());
    let accepted = apply(&dispatched, &Action::Accept, &actor(MEMBER_A)).expect("a");
    assert_eq!(allowed(&accepted, &suspended), Vec::<Step>::new());
}

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        prop_oneof![Just(MEMBER_A), Just(MEMBER_B), Just(OUTSIDER_MEMBER)]
            .prop_map(|assignee| Action::Dispatch { assignee }),
        Just(Action::Publish),
        Just(Action::Accept),
        Just(Action::Claim),
        Just(Action::Decline),
        Just(Action::Start),
        (1..=1440i32).prop_map(|m| Action::Complete {
            minutes: minutes(m),
            summary: "s".into()
        }),
        (1..=5i64).prop_map(|n| Action::Review {
            stars: stars(n),
            comment: None
        }),
        Just(Action::Verify),
        Just(Action::Cancel),
        Just(Action::Reopen),
        Just(Action::Repool),
        Just(Action::Reclaim),
        Just(Action::Withdraw),
        Just(Action::NoShow),
        Just(Action::Dispute),
        Just(Action::Redo),
        Just(Action::Settle),
        Just(Action::Rework),
        Just(Action::Merge { into: RequestId(99) }),
    ]
}

/// Time passing between actions: which deadlines have lapsed at this step.
fn any_lapsed() -> impl Strategy<Value = Lapsed> {
    (any::<bool>(), any::<bool>()).prop_map(|(review, appointment)| Lapsed { review, appointment })
}

fn any_actor() -> impl Strategy<Value = UserId> {
    prop_oneof![
        Just(RESIDENT),
        Just(HELPER),
        Just(ADMIN),
        Just(OTHER_ADMIN),
        Just(MEMBER_A),
        Just(MEMBER_B),
        Just(OUTSIDER_MEMBER),
        Just(SYSTEM)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any sequence of actions by anyone keeps every invariant, only follows
    /// listed edges and never leaves a terminal state — except a closed one
    /// that a follow-up reopens.
    #[test]
    fn any_sequence_keeps_invariants(steps in prop::collection::vec((any_action(), any_actor(), any_lapsed()), 0..40)) {
        let mut state = State::new(RESIDENT, HELPER);
        for (action, who, lapsed) in steps {
            state.lapsed = lapsed;
            let before = state.clone();
            match apply(&state, &action, &actor(who)) {
                Ok(next) => {
                    prop_assert!(
                        !before.status.is_terminal() || matches!(action, Action::Reopen),
                        "left terminal {:?}", before.status
                    );
                    prop_assert!(EDGES.contains(&(before.status, next.status)),
                        "edge {:?} -> {:?}", before.status, next.status);
                    prop_assert_eq!(next.resident_id, before.resident_id);
                    prop_assert_eq!(next.entered_by, before.entered_by);
                    if next.status == Status::Closed && before.status != Status::Closed {
                        prop_assert!(before.service_minutes.is_some());
                        prop_assert!(before.rating.is_some() || before.lapsed.review, "closed unrated in time");
                    }
                    state = next;
                }
                Err(Refusal::AlreadyTaken) => {
                    prop_assert!(matches!(action, Action::Claim));
                    prop_assert!(matches!(state.status, Status::Dispatched | Status::Accepted | Status::InProgress));
                }
                Err(_) => {}
            }
            prop_assert_eq!(state.check_invariants(), Ok(()));
        }
    }

    /// Only an admin of the community can dispatch, publish, verify, reopen or
    /// repool; only the
    /// holder can work the request; a resident can never act as a member.
    #[test]
    fn roles_are_respected(steps in prop::collection::vec((any_action(), any_actor(), any_lapsed()), 0..40)) {
        let mut state = State::new(RESIDENT, HELPER);
        for (action, who, lapsed) in steps {
            state.lapsed = lapsed;
            if let Ok(next) = apply(&state, &action, &actor(who)) {
                match action {
                    Action::Dispatch { .. } => prop_assert!(who == ADMIN || who == SYSTEM),
                    Action::Publish
                    | Action::Verify
                    | Action::Reopen
                    | Action::Reclaim
                    | Action::Redo
                    | Action::Settle
                    | Action::Rework
                    | Action::Merge { .. } => prop_assert_eq!(who, ADMIN),
                    Action::Repool => prop_assert!(who == ADMIN || who == SYSTEM),
                    Action::Claim => prop_assert!(who == MEMBER_A || who == MEMBER_B),
                    Action::Accept | Action::Start | Action::Complete { .. } | Action::Decline | Action::Withdraw =>
                        prop_assert_eq!(state.assignee_id, Some(who)),
                    Action::Review { .. } => prop_assert!(who == RESIDENT || who == HELPER),
                    Action::Dispute => prop_assert_eq!(who, RESIDENT),
                    // Whoever entered it cancels only before anyone took it.
                    Action::Cancel => prop_assert!(
                        who == RESIDENT || who == ADMIN || (who == HELPER && state.status.before_acceptance())
                    ),
                    Action::NoShow => prop_assert!(who == RESIDENT || who == ADMIN),
                }
                state = next;
            }
        }
    }
}

/// A completed request, reported by MEMBER_A.
fn completed() -> State {
    let pending = State::new(RESIDENT, RESIDENT);
    let steps = [
        (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
        (Action::Accept, MEMBER_A),
        (Action::Start, MEMBER_A),
        (
            Action::Complete {
                minutes: minutes(120),
                summary: "done".into(),
            },
            MEMBER_A,
        ),
    ];
    steps
        .iter()
        .fold(pending, |s, (a, who)| apply(&s, a, &actor(*who)).expect("step"))
}

#[test]
fn a_dispute_holds_verification_until_an_admin_rules() {
    let done = completed();
    assert_eq!(
        apply(&done, &Action::Dispute, &actor(MEMBER_A)),
        Err(Refusal::Forbidden)
    );
    let disputed = apply(&done, &Action::Dispute, &actor(RESIDENT)).expect("dispute");
    assert_eq!((disputed.status, disputed.disputed), (Status::Completed, true));
    // Once per completion; the resident may still rate, nobody may verify.
    assert!(apply(&disputed, &Action::Dispute, &actor(RESIDENT)).is_err());
    let rated = apply(
        &disputed,
        &Action::Review {
            stars: stars(2),
            comment: None,
        },
        &actor(RESIDENT),
    )
    .expect("rate");
    assert_eq!(apply(&rated, &Action::Verify, &actor(ADMIN)), Err(Refusal::Disputed));
    assert!(!allowed(&rated, &actor(ADMIN)).contains(&Step::Verify));
    assert_eq!(allowed(&rated, &actor(ADMIN)), vec![Step::Redo, Step::Settle]);
    // Overturned: verification goes on.
    let settled = apply(&rated, &Action::Settle, &actor(ADMIN)).expect("settle");
    assert!(!settled.disputed);
    assert_eq!(
        apply(&settled, &Action::Verify, &actor(ADMIN)).map(|s| s.status),
        Ok(Status::Closed)
    );
    // Upheld: the work goes back to the holder, report and rating set aside.
    let redo = apply(&rated, &Action::Redo, &actor(ADMIN)).expect("redo");
    assert_eq!(
        (redo.status, redo.assignee_id, redo.disputed),
        (Status::InProgress, Some(MEMBER_A), false)
    );
    assert_eq!((redo.service_minutes, redo.rating), (None, None));
    assert_eq!(redo.check_invariants(), Ok(()));
    // Nothing to rule without a dispute.
    assert!(apply(&done, &Action::Redo, &actor(ADMIN)).is_err());
    assert!(apply(&done, &Action::Settle, &actor(ADMIN)).is_err());
    // A disputed completion is ruled on, not returned.
    assert_eq!(apply(&rated, &Action::Rework, &actor(ADMIN)), Err(Refusal::Disputed));
}

#[test]
fn the_verifier_returns_work_for_more() {
    let pending = State::new(RESIDENT, RESIDENT);
    let mut s = apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(ADMIN)).expect("d");
    for a in [Action::Accept, Action::Start] {
        s = apply(&s, &a, &actor(MEMBER_A)).expect("step");
    }
    let done = apply(
        &s,
        &Action::Complete {
            minutes: minutes(90),
            summary: "s".into(),
        },
        &actor(MEMBER_A),
    )
    .expect("complete");
    let rated = apply(
        &done,
        &Action::Review {
            stars: stars(4),
            comment: None,
        },
        &actor(RESIDENT),
    )
    .expect("rate");
    for before in [&done, &rated] {
        assert!(allowed(before, &actor(ADMIN)).contains(&Step::Rework));
        assert!(!allowed(before, &actor(MEMBER_A)).contains(&Step::Rework));
        let back = apply(before, &Action::Rework, &actor(ADMIN)).expect("rework");
        assert_eq!((back.status, back.assignee_id), (Status::InProgress, Some(MEMBER_A)));
        assert_eq!(
            (back.service_minutes, back.rating, back.summary.clone()),
            (None, None, None)
        );
        assert_eq!(back.check_invariants(), Ok(()));
    }
    assert!(Action::Rework.needs_reason());
    assert!(
        apply(&s, &Action::Rework, &actor(ADMIN)).is_err(),
        "only a reported completion"
    );
}

#[test]
fn the_system_repools_dispatches_and_does_nothing_else() {
    let pending = State::new(RESIDENT, RESIDENT);
    let dispatched = apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(ADMIN)).expect("d");
    let back = apply(&dispatched, &Action::Repool, &Actor::System).expect("repool");
    assert_eq!((back.status, back.assignee_id), (Status::Pending, None));
    for a in Action::samples(&Actor::System) {
        if !a.by_system() {
            assert_eq!(apply(&dispatched, &a, &Actor::System), Err(Refusal::Forbidden), "{a:?}");
        }
    }
}

#[test]
fn allowed_actions_are_what_apply_accepts() {
    let pending = State::new(RESIDENT, RESIDENT);
    assert_eq!(allowed(&pending, &actor(RESIDENT)), vec![Step::Cancel]);
    assert_eq!(
        allowed(&pending, &actor(ADMIN)),
        vec![Step::Dispatch, Step::Publish, Step::Cancel, Step::Merge]
    );
    let dispatched = apply(&pending, &Action::Dispatch { assignee: MEMBER_A }, &actor(ADMIN)).expect("d");
    assert_eq!(
        allowed(&dispatched, &actor(MEMBER_A)),
        vec![Step::Accept, Step::Decline]
    );
    assert_eq!(allowed(&dispatched, &actor(MEMBER_B)), Vec::<Step>::new());
    assert_eq!(allowed(&dispatched, &Actor::System), vec![Step::Repool]);
    assert_eq!(allowed(&pending, &Actor::System), vec![Step::Dispatch]);
}

proptest! {
    /// `allowed` lists exactly the actions `apply` would accept, in any state.
    #[test]
    fn allowed_agrees_with_apply(steps in prop::collection::vec((any_action(), any_actor()), 0..30), who in any_actor()) {
        let state = run_lenient(&State::new(RESIDENT, HELPER), &steps);
        let me = actor(who);
        let listed = allowed(&state, &me);
        for a in Action::samples(&me) {
            prop_assert_eq!(listed.contains(&a.step()), apply(&state, &a, &me).is_ok(), "{:?}", a);
        }
    }
}

/// The shortest way out (to closed or cancelled) an admin can take alone,
/// letting deadlines lapse; `None` if there is none within `depth` steps.
fn admin_way_out(state: &State, depth: usize) -> Option<Vec<Step>> {
    if state.status.is_terminal() {
        return Some(Vec::new());
    }
    if depth == 0 {
        return None;
    }
    let late = State {
        lapsed: Lapsed {
            review: true,
            appointment: true,
        },
        ..state.clone()
    };
    let admin = actor(ADMIN);
    Action::samples(&admin)
        .iter()
        .filter_map(|a| {
            let next = apply(&late, a, &admin).ok()?;
            let mut rest = admin_way_out(&next, depth - 1)?;
            rest.insert(0, a.step());
            Some(rest)
        })
        .min_by_key(Vec::len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// No request can get stuck: from every reachable state an admin alone
    /// reaches closed or cancelled in at most two steps (reclaim, then
    /// cancel; or verify an unrated request once the resident's time is up).
    #[test]
    fn an_admin_can_always_end_a_request(
        steps in prop::collection::vec((any_action(), any_actor(), any_lapsed()), 0..40)
    ) {
        let mut state = State::new(RESIDENT, HELPER);
        for (action, who, lapsed) in steps {
            state.lapsed = lapsed;
            state = apply(&state, &action, &actor(who)).unwrap_or(state);
            let way = admin_way_out(&state, 2);
            prop_assert!(way.is_some(), "stuck in {:?}", state.status);
        }
    }
}

/// Applies what applies and skips the rest.
fn run_lenient(state: &State, steps: &[(Action, UserId)]) -> State {
    steps
        .iter()
        .fold(state.clone(), |s, (a, who)| apply(&s, a, &actor(*who)).unwrap_or(s))
}

/// 家人代下单 / 网格员: whoever entered a request for the resident may rate it
/// and cancel it before it is taken, and nothing more of the resident's.
#[test]
fn who_entered_it_acts_only_in_the_whitelist() {
    let pending = State::new(RESIDENT, HELPER);
    assert!(apply(&pending, &Action::Cancel, &actor(HELPER)).is_ok());
    let accepted = run(
        &pending,
        &[
            (Action::Dispatch { assignee: MEMBER_A }, ADMIN),
            (Action::Accept, MEMBER_A),
        ],
    )
    .expect("accepted");
    assert_eq!(
        apply(&accepted, &Action::Cancel, &actor(HELPER)),
        Err(Refusal::Forbidden)
    );
    let dispatched = run(&pending, &[(Action::Dispatch { assignee: MEMBER_A }, ADMIN)]).expect("dispatched");
    assert!(apply(&dispatched, &Action::Cancel, &actor(HELPER)).is_ok());
    assert_eq!(
        apply(&accepted, &Action::NoShow, &actor(HELPER)),
        Err(Refusal::Forbidden)
    );
}
