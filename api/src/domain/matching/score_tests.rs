use super::*;
use crate::domain::matching::availability::Window;
use chrono::NaiveDate;
use proptest::prelude::*;

const CARE: Skill = Skill {
    category_id: 1,
    group: 0,
};
const MEDS: Skill = Skill {
    category_id: 2,
    group: 0,
};
const REPAIR: Skill = Skill {
    category_id: 3,
    group: 1,
};

fn member(id: i64) -> MemberFacts {
    MemberFacts {
        user_id: id,
        status: MemberStatus::Active,
        grid_id: Some(10),
        location: None,
        availability: Availability::default(),
        skills: vec![CARE],
        max_active: 3,
        active: 0,
        rating_sum: 0,
        rating_count: 0,
        recent: 0,
        no_shows: 0,
        qualifications: Vec::new(),
    }
}

fn request() -> RequestFacts {
    RequestFacts {
        id: 1,
        category: CARE,
        grid_id: Some(10),
        location: None,
        when: None,
        requesters: [100, 100],
        requires: None,
        declined: vec![],
    }
}

/// Saturday 2026-11-28 at `h`:00, local time.
fn saturday(h: u32) -> Slot {
    Slot::of(
        NaiveDate::from_ymd_opt(2026, 11, 28)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap(),
    )
}

#[test]
fn each_factor_moves_the_score_the_right_way() {
    let w = Weights::default();
    let r = request();
    let base = evaluate(&w, &r, &member(1)).unwrap();
    assert_eq!(base.skill_fit, SkillFit::Exact);
    assert!(base.same_grid);

    let worse = |m: MemberFacts| evaluate(&w, &r, &m).unwrap().total;
    assert!(
        worse(MemberFacts {
            skills: vec![MEDS],
            ..member(1)
        }) < base.total
    );
    assert!(
        worse(MemberFacts {
            skills: vec![REPAIR],
            ..member(1)
        }) < worse(MemberFacts {
            skills: vec![MEDS],
            ..member(1)
        })
    );
    assert!(
        worse(MemberFacts {
            grid_id: Some(11),
            ..member(1)
        }) < base.total
    );
    assert!(worse(MemberFacts { active: 2, ..member(1) }) < base.total);
    assert!(worse(MemberFacts { recent: 3, ..member(1) }) < base.total);
    assert!(
        worse(MemberFacts {
            no_shows: 1,
            ..member(1)
        }) < base.total
    );
    assert!(
        worse(MemberFacts {
            no_shows: 2,
            ..member(1)
        }) < worse(MemberFacts {
            no_shows: 1,
            ..member(1)
        })
    );
    assert!(
        worse(MemberFacts {
            rating_sum: 2,
            rating_count: 2,
            ..member(1)
        }) < base.total
    );
    assert!(
        worse(MemberFacts {
            rating_sum: 20,
            rating_count: 4,
            ..member(1)
        }) > base.total
    );

    // A position beats guessing by grid when it is close, loses when far.
    let here = GeoPoint::new(30.0, 120.0);
    let near = RequestFacts {
        location: here,
        ..request()
    };
    let m_near = MemberFacts {
        location: GeoPoint::new(30.001, 120.0),
        ..member(1)
    };
    let m_far = MemberFacts {
        location: GeoPoint::new(30.05, 120.0),
        ..member(1)
    };
    let b = evaluate(&w, &near, &m_near).unwrap();
    assert!(b.distance_km.unwrap() < 0.2 && b.distance.factor > 0.9);
    assert!(evaluate(&w, &near, &m_far).unwrap().total < base.total);
}

#[test]
fn availability_includes_covered_and_excludes_outside() {
    let w = Weights::default();
    let m = MemberFacts {
        availability: Availability::new(vec![Window::new(6, "09:00", "12:00").unwrap()]),
        ..member(1)
    };
    let at = |h| RequestFacts {
        when: Some(saturday(h)),
        ..request()
    };
    let covered = evaluate(&w, &at(10), &m).unwrap();
    assert_eq!(covered.availability.factor, 1.0);
    assert_eq!(evaluate(&w, &at(15), &m), Err(Exclusion::Unavailable));
    // No time asked: windows cannot rule anyone out.
    assert_eq!(evaluate(&w, &request(), &m).unwrap().availability.factor, 0.5);
}

#[test]
fn exclusions_name_their_reason() {
    let w = Weights::default();
    let r = request();
    let e = |m: MemberFacts| evaluate(&w, &r, &m).err();
    assert_eq!(
        e(MemberFacts {
            status: MemberStatus::Pending,
            ..member(1)
        }),
        Some(Exclusion::NotApproved)
    );
    assert_eq!(
        e(MemberFacts {
            status: MemberStatus::Suspended,
            ..member(1)
        }),
        Some(Exclusion::Suspended)
    );
    assert_eq!(e(MemberFacts { active: 3, ..member(1) }), Some(Exclusion::Full));
    assert_eq!(e(member(100)), Some(Exclusion::Requester));
    let declined = RequestFacts {
        declined: vec![1],
        ..request()
    };
    assert_eq!(evaluate(&w, &declined, &member(1)).err(), Some(Exclusion::Declined));
    assert!(evaluate(&w, &declined, &member(2)).is_ok());
    assert_eq!(e(member(1)), None);
}

#[test]
fn a_category_that_needs_a_qualification_leaves_out_those_without_it() {
    use crate::domain::qualification::QualificationKind::{ElectricianCertificate, LawyerLicence};
    let w = Weights::default();
    let r = RequestFacts {
        requires: Some(ElectricianCertificate),
        ..request()
    };
    let e = |m: MemberFacts| evaluate(&w, &r, &m).err();
    assert_eq!(e(member(1)), Some(Exclusion::Unqualified(ElectricianCertificate)));
    assert_eq!(
        e(MemberFacts {
            qualifications: vec![LawyerLicence],
            ..member(1)
        }),
        Some(Exclusion::Unqualified(ElectricianCertificate))
    );
    assert_eq!(
        e(MemberFacts {
            qualifications: vec![LawyerLicence, ElectricianCertificate],
            ..member(1)
        }),
        None
    );
    assert_eq!(Exclusion::Unqualified(LawyerLicence).code(), "qualification");
    let ranked = rank(&w, &r, &[member(1)], 5);
    assert_eq!(
        ranked.excluded,
        vec![(0, Exclusion::Unqualified(ElectricianCertificate))]
    );
}

#[test]
fn weights_must_be_sane() {
    assert!(Weights::default().is_valid());
    let zero = Weights {
        skill: 0,
        distance: 0,
        availability: 0,
        load: 0,
        rating: 0,
        fairness: 0,
    };
    assert!(!zero.is_valid());
    assert!(
        !Weights {
            skill: 101,
            ..Weights::default()
        }
        .is_valid()
    );
}

fn arb_member() -> impl Strategy<Value = MemberFacts> {
    (
        1i64..200,
        0u8..3,
        proptest::option::of(0i64..3),
        proptest::option::of((29.9f64..30.1, 119.9f64..120.1)),
        proptest::collection::vec((1i64..6, 0u32..2), 0..4),
        1u32..5,
        0u32..6,
        (0u32..50, 0u32..10),
        0u32..8,
        proptest::option::of((1u8..=7, 0u16..20)),
    )
        .prop_map(
            |(id, st, grid, loc, skills, max, active, (rs, rc), recent, win)| MemberFacts {
                user_id: id,
                no_shows: 0,
                qualifications: Vec::new(),
                status: [MemberStatus::Active, MemberStatus::Pending, MemberStatus::Suspended][usize::from(st)],
                grid_id: grid,
                location: loc.and_then(|(a, b)| GeoPoint::new(a, b)),
                availability: Availability::new(
                    win.into_iter()
                        .filter_map(|(d, h)| Window::new(d, &format!("{h:02}:00"), &format!("{:02}:00", h + 4)))
                        .collect(),
                ),
                skills: skills
                    .into_iter()
                    .map(|(c, g)| Skill {
                        category_id: c,
                        group: g,
                    })
                    .collect(),
                max_active: max,
                active: active.min(max + 1),
                rating_sum: rs.min(rc * 5).max(rc),
                rating_count: rc,
                recent,
            },
        )
}

proptest! {
    #[test]
    fn ranking_is_sorted_bounded_and_never_includes_an_excluded_member(
        members in proptest::collection::vec(arb_member(), 0..60),
        cat in 1i64..6,
        hour in proptest::option::of(0u32..24),
        limit in 0usize..20,
        loc in proptest::option::of((29.9f64..30.1, 119.9f64..120.1)),
    ) {
        let w = Weights::default();
        let req = RequestFacts {
            id: 1,
            category: Skill { category_id: cat, group: (cat % 2) as u32 },
            grid_id: Some(1),
            location: loc.and_then(|(a, b)| GeoPoint::new(a, b)),
            when: hour.map(saturday),
            requesters: [7, 8],
            requires: None,
            declined: vec![],
        };
        let r = rank(&w, &req, &members, limit);
        prop_assert_eq!(r.eligible + r.excluded.len(), members.len());
        prop_assert_eq!(r.ranked.len(), r.eligible.min(limit));
        for pair in r.ranked.windows(2) {
            prop_assert!(pair[0].1.total >= pair[1].1.total);
        }
        for (i, b) in &r.ranked {
            let m = &members[*i];
            prop_assert_eq!(m.status, MemberStatus::Active);
            prop_assert!(m.active < m.max_active);
            prop_assert!(!req.requesters.contains(&m.user_id));
            let parts = [b.skill, b.distance, b.availability, b.load, b.rating, b.fairness];
            prop_assert!(parts.iter().all(|p| (0.0..=1.0).contains(&p.factor)));
            prop_assert!((parts.iter().map(|p| p.points).sum::<f64>() - b.total).abs() < 1e-9);
            prop_assert!((0.0..=100.0).contains(&b.total));
        }
        for (i, e) in &r.excluded {
            prop_assert_eq!(evaluate(&w, &req, &members[*i]).err(), Some(*e));
        }
        // Exactly what scoring everyone and sorting gives.
        let mut naive: Vec<(usize, Breakdown)> = members
            .iter()
            .enumerate()
            .filter_map(|(i, m)| evaluate(&w, &req, m).ok().map(|b| (i, b)))
            .collect();
        naive.sort_by(|a, b| {
            b.1.total
                .total_cmp(&a.1.total)
                .then(members[a.0].recent.cmp(&members[b.0].recent))
                .then(members[a.0].user_id.cmp(&members[b.0].user_id))
        });
        // `place` agrees with that order for everyone.
        for (n, (i, b)) in naive.iter().enumerate() {
            prop_assert_eq!(place(&w, &req, &members, *i), Ok((n + 1, *b)));
        }
        for (i, e) in &r.excluded {
            prop_assert_eq!(place(&w, &req, &members, *i), Err(*e));
        }
        naive.truncate(limit);
        prop_assert_eq!(r.ranked, naive);
    }
}
