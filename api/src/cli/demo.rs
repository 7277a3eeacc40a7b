//! `linli serve --demo`: a demo community (阳光社区) with residents,
//! members and one request in every state, driven through the real
//! services so that timelines, ledgers and boards are genuine.

use crate::auth::CurrentUser;
use crate::domain::RequestId;
use crate::domain::appeal::AppealKind;
use crate::domain::check_in::VisitKind;
use crate::domain::matching::{Availability, GeoPoint, Window};
use crate::domain::member::{MemberKind, Review};
use crate::domain::qualification::{Decision, QualificationKind};
use crate::domain::request::{Action, Urgency};
use crate::domain::series::Pattern;
use crate::domain::values::{ServiceMinutes, Stars};
use crate::domain::{CommunityId, GridId, Phone, Role};
use crate::services::auth::{NewAccount, acting_as, create_account};
use crate::services::members::{self, MemberInput};
use crate::services::qualifications::QualificationInput;
use crate::services::requests::{self, NewRequest};
use crate::services::series::{self, SeriesInput};
use crate::services::setup::new_community;
use crate::services::{appeals, ledger, market};
use crate::state::AppState;
use crate::store;
use anyhow::Context;
use chrono::Datelike;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "linli-demo";

async fn demo_user(
    state: &AppState,
    phone: &str,
    name: &str,
    role: Role,
    c: CommunityId,
    g: Option<GridId>,
) -> anyhow::Result<CurrentUser> {
    let phone = Phone::parse(phone).context("demo phone")?;
    let existing = store::users::find_by_phone(&state.db, phone.as_str()).await?;
    let u = match existing {
        Some(u) => u,
        None => create_account(
            state,
            NewAccount {
                phone,
                name: name.into(),
                password: DEMO_PASSWORD.into(),
                role,
                community_id: c,
                grid_id: g,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo user: {e}"))?,
    };
    acting_as(&state.db, u.id).await.map_err(|e| anyhow::anyhow!("{e}"))
}

/// A plain demo request for building `building` of 阳光社区.
/// Buildings stand in a row east of 30.2741 N, 120.1551 E (about 80 m apart),
/// so the desk's map has somewhere to put each request.
fn demo_request(category: &str, title: &str, building: usize) -> NewRequest {
    let step = u32::try_from(building).unwrap_or(0);
    NewRequest {
        category: category.into(),
        title: title.into(),
        description: String::new(),
        address: format!("阳光社区{building}号楼"),
        contact_phone: None,
        location: GeoPoint::new(
            30.2741 + 0.0004 * f64::from(step % 3),
            120.1551 + 0.0008 * f64::from(step),
        ),
        preferred_time: None,
        urgency: Urgency::Normal,
        grid_id: None,
        resident_id: None,
        resident_phone: None,
        resident_name: None,
        source: None,
    }
}

/// 资质 of the demo members: 陈志强's medical licence (no expiry), 赵敏's
/// lawyer's licence expiring in 20 days (the first sweep reminds her and
/// 李主任) with its renewal waiting for review, 孙伟's electrician's
/// certificate, and a nursing licence of 陈志强's that was sent back.
async fn qualifications(state: &AppState, admin: &CurrentUser, members: &[CurrentUser]) -> anyhow::Result<()> {
    let today = state.clock.today(state.local_offset);
    let in_days = |n: i64| Some(today + chrono::Duration::days(n));
    let entries = [
        (
            0,
            QualificationKind::MedicalLicence,
            "110330000123456",
            "杭州市卫生健康委员会",
            None,
            Some(true),
        ),
        (
            1,
            QualificationKind::LawyerLicence,
            "13301201810012345",
            "浙江省司法厅",
            in_days(20),
            Some(true),
        ),
        (
            1,
            QualificationKind::LawyerLicence,
            "13301202610012345",
            "浙江省司法厅",
            in_days(385),
            None,
        ),
        (
            2,
            QualificationKind::ElectricianCertificate,
            "T330102197805126612",
            "浙江省应急管理厅",
            in_days(3 * 365),
            Some(true),
        ),
        (
            0,
            QualificationKind::NurseLicence,
            "202433001234",
            "杭州市卫生健康委员会",
            in_days(5 * 365),
            Some(false),
        ),
    ];
    for (i, kind, number, issuer, expires_on, verdict) in entries {
        let m = members.get(i).context("demo member")?;
        let input = QualificationInput {
            kind,
            number: number.into(),
            issuer: issuer.into(),
            expires_on,
            note: None,
        };
        let q = crate::services::qualifications::record(state, m, input)
            .await
            .map_err(|e| anyhow::anyhow!("demo qualification: {e}"))?;
        let decision = match verdict {
            Some(true) => (Decision::Verify, None),
            Some(false) => (Decision::Reject, Some("证书照片不清晰，请重新上传".to_owned())),
            None => continue,
        };
        crate::services::qualifications::decide(state, admin, q.id, decision.0, decision.1)
            .await
            .map_err(|e| anyhow::anyhow!("demo qualification review: {e}"))?;
    }
    Ok(())
}

/// `--demo`: a demo community (阳光社区) with residents, members and one
/// request in every state, driven through the real transitions so that the
/// timelines are genuine. Does nothing if the demo community exists.
/// 争议与申诉 to rule on: 刘桂兰 disputes a cleaning 陈志强 reported done,
/// and 赵敏 appeals a 2★ rating.
async fn disputes(
    state: &AppState,
    admin: &CurrentUser,
    residents: &[CurrentUser],
    members: &[CurrentUser],
) -> anyhow::Result<()> {
    let stories = [
        (
            &residents[2],
            &members[0],
            "清洗油烟机",
            None,
            "油烟机还是很脏，只擦了外壳",
        ),
        (
            &residents[1],
            &members[1],
            "陪同办理社保卡",
            Some(2),
            "当天下大雨晚到十分钟，已提前电话告知，事情也办好了",
        ),
    ];
    for (r, m, title, stars, reason) in stories {
        let v = requests::create(state, r, demo_request("errands", title, 3))
            .await
            .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
        let mut steps: Vec<(&CurrentUser, Action)> = vec![
            (admin, Action::Dispatch { assignee: m.id }),
            (m, Action::Accept),
            (m, Action::Start),
            (
                m,
                Action::Complete {
                    minutes: ServiceMinutes::from_minutes(120).context("minutes")?,
                    summary: format!("{title}，已完成"),
                },
            ),
        ];
        if let Some(n) = stars {
            steps.push((
                r,
                Action::Review {
                    stars: Stars::new(n).context("stars")?,
                    comment: Some("来晚了".into()),
                },
            ));
            steps.push((admin, Action::Verify));
        }
        for (who, action) in steps {
            step(state, who, v.id, action).await?;
        }
        let (who, kind) = match stars {
            None => (r, AppealKind::Completion),
            Some(_) => (m, AppealKind::Rating),
        };
        let input = appeals::FileInput {
            kind,
            request_id: Some(v.id),
            entry_id: None,
            reason: reason.into(),
        };
        appeals::file(state, who, input)
            .await
            .map_err(|e| anyhow::anyhow!("demo appeal: {e}"))?;
    }
    Ok(())
}

/// Minutes a demo member was on site for a report: what they report,
/// except that four hours or more were an hour and ten on site — flagged
/// for the verifier (上报 4 小时，现场 1 小时 10 分).
fn demo_on_site(reported: i32) -> i32 {
    if reported >= 240 { 70 } else { reported }
}

/// One demo step, as a person would take it: a start checks in with the
/// resident's one-time code (签到), as the member would at the door; a
/// completion comes as long after the check-in as they stayed.
async fn step(state: &AppState, who: &CurrentUser, id: RequestId, action: Action) -> anyhow::Result<()> {
    if let Action::Complete { minutes, .. } = &action {
        let arrived = state.clock.now() - chrono::Duration::minutes(i64::from(demo_on_site(minutes.minutes())));
        store::visits::backdate_check_in(&state.db, id, arrived)
            .await
            .map_err(|e| anyhow::anyhow!("demo visit: {e}"))?;
    }
    let proof = match action {
        Action::Start => store::visits::current_code(&state.db, id, VisitKind::In)
            .await
            .map_err(|e| anyhow::anyhow!("demo code: {e}"))?
            .map(|c| requests::Proof::Code(c.code)),
        _ => None,
    };
    requests::act_with_proof(state, who, id, action, proof, None)
        .await
        .map_err(|e| anyhow::anyhow!("demo step: {e}"))?;
    Ok(())
}

pub async fn demo(state: &AppState) -> anyhow::Result<bool> {
    if store::directory::communities(&state.db)
        .await?
        .iter()
        .any(|c| c.name == "阳光社区")
    {
        return Ok(false);
    }
    let (c, grids) = new_community(state, "阳光社区", "和平街道", &["东区网格", "西区网格"]).await?;
    store::directory::set_phone(&state.db, c.id, Some("0571-86001234")).await?;
    crate::services::directory::changed(state).await;
    let g = |i: usize| grids.get(i).map(|g| g.id);
    let admin = demo_user(state, "13900000000", "李主任", Role::Admin, c.id, None).await?;
    let residents = [
        demo_user(state, "13900000001", "王秀英", Role::Resident, c.id, g(0)).await?,
        demo_user(state, "13900000002", "张建国", Role::Resident, c.id, g(1)).await?,
        demo_user(state, "13900000003", "刘桂兰", Role::Resident, c.id, g(0)).await?,
    ];
    let members = [
        demo_user(state, "13900000011", "陈志强", Role::Member, c.id, g(0)).await?,
        demo_user(state, "13900000012", "赵敏", Role::Member, c.id, g(1)).await?,
        demo_user(state, "13900000013", "孙伟", Role::Member, c.id, g(0)).await?,
    ];
    // Addresses for notices: with the default file transport, mails land in
    // data/mail/ (one .eml per message).
    for u in std::iter::once(&admin).chain(members.iter()) {
        crate::services::users::update_me(
            state,
            u,
            None,
            Some(Some(format!("{}@demo.linli.local", u.phone))),
            None,
            None,
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo e-mail: {e}"))?;
    }
    // Their 报到 records, approved, so matching has something to go on.
    let profiles = [
        (
            MemberKind::PartyMember,
            Some("区人民医院"),
            &["elderly_care", "health", "counseling"][..],
            (30.2741, 120.1551),
            &[(6, "08:00", "18:00"), (7, "08:00", "18:00")][..],
        ),
        (
            MemberKind::Volunteer,
            None,
            &["legal_advice", "mediation", "errands"][..],
            (30.2768, 120.1590),
            &[(1, "18:00", "21:00"), (3, "18:00", "21:00"), (5, "18:00", "21:00")][..],
        ),
        (
            MemberKind::PartyMember,
            Some("市供电公司"),
            &["appliance_repair", "electrical_repair", "environment", "patrol"][..],
            (30.2725, 120.1530),
            &[][..],
        ),
    ];
    for (m, (kind, employer, skills, (lat, lng), windows)) in members.iter().zip(profiles) {
        let input = MemberInput {
            kind,
            employer: employer.map(str::to_owned),
            party_branch: employer.map(|_| "第一党支部".to_owned()),
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            preferred_posts: vec!["楼栋长".into()],
            availability: Availability::new(windows.iter().filter_map(|(d, a, b)| Window::new(*d, a, b)).collect()),
            max_active: Some(3),
            location: GeoPoint::new(lat, lng),
            grid_id: m.grid_id,
            // Demo members agree to be named on the honor board.
            publish_consent: Some(true),
        };
        members::register(state, m, input)
            .await
            .map_err(|e| anyhow::anyhow!("demo member: {e}"))?;
        members::review(state, &admin, m.id, Review::Approve, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo approval: {e}"))?;
    }
    qualifications(state, &admin, &members).await?;
    let stories: [(&str, &str, &str, usize); 9] = [
        ("elderly_care", "帮独居老人买菜", "腿脚不便，需要每周帮忙买一次菜", 0),
        ("appliance_repair", "热水器不出热水", "燃气热水器打不着火", 0),
        ("legal_advice", "咨询遗产继承问题", "想了解房产继承手续", 1),
        ("mediation", "楼上漏水邻里纠纷", "楼上装修后卫生间漏水到我家", 1),
        ("environment", "楼道堆放杂物", "三单元楼道堆满纸箱，有消防隐患", 2),
        ("errands", "代取药品", "社区医院取降压药", 2),
        ("counseling", "老人情绪低落", "老伴去世后不愿出门", 0),
        ("health", "上门测血压", "每周一次上门测量血压", 1),
        ("patrol", "夜间巡逻", "小区东门夜间照明不足", 2),
    ];
    // How far along the loop each demo request goes, in story order.
    let depth = [0usize, 1, 2, 3, 4, 5, 6, 7, 8];
    for ((cat, title, desc, who), depth) in stories.into_iter().zip(depth) {
        let r = &residents[who];
        // Professional services go to the member holding the 资质.
        let m = match cat {
            "health" => &members[0],
            "legal_advice" => &members[1],
            "appliance_repair" | "electrical_repair" => &members[2],
            _ => &members[depth % members.len()],
        };
        let v = requests::create(
            state,
            r,
            NewRequest {
                description: desc.into(),
                // Spread around the community, a few dozen metres apart.
                location: GeoPoint::new(30.2730 + 0.0006 * depth as f64, 120.1540 + 0.0005 * who as f64),
                urgency: if depth == 5 { Urgency::Urgent } else { Urgency::Normal },
                ..demo_request(cat, title, who + 1)
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
        let hall = depth % 2 == 0;
        let mut steps: Vec<(&CurrentUser, Action)> = Vec::new();
        match depth {
            0 => {}
            8 => steps.push((r, Action::Cancel)),
            _ => {
                if hall {
                    steps.push((&admin, Action::Publish));
                    steps.push((m, Action::Claim));
                } else {
                    steps.push((&admin, Action::Dispatch { assignee: m.id }));
                    steps.push((m, Action::Accept));
                }
                steps.push((m, Action::Start));
                let minutes = ServiceMinutes::from_minutes(60 + 30 * depth as i32).context("minutes")?;
                steps.push((
                    m,
                    Action::Complete {
                        minutes,
                        summary: "已上门服务，居民满意".into(),
                    },
                ));
                steps.push((
                    r,
                    Action::Review {
                        stars: Stars::new(5).context("stars")?,
                        comment: Some("非常感谢！".into()),
                    },
                ));
                steps.push((&admin, Action::Verify));
            }
        }
        // Stop each story at a different state: pending, dispatched/open, accepted, …
        let keep = match depth {
            0 | 8 => steps.len(),
            1 | 2 => 1,
            d => (d - 1).min(steps.len()),
        };
        for (who, action) in steps.into_iter().take(keep) {
            step(state, who, v.id, action).await?;
        }
    }
    // Service already done by each member, so the 光荣榜, certificates and
    // the 爱心超市 have something to show.
    let done: [(usize, usize, &str, &str, i32, i64); 6] = [
        (0, 0, "elderly_care", "陪老人去医院复查", 150, 5),
        (1, 1, "errands", "代缴水电费", 45, 5),
        (2, 2, "appliance_repair", "修理漏水的水龙头", 90, 4),
        (0, 1, "health", "上门测血压", 60, 5),
        (1, 2, "counseling", "陪独居老人聊天", 120, 5),
        (0, 2, "environment", "清理楼道杂物", 180, 4),
    ];
    for (mi, ri, cat, title, minutes, stars) in done {
        let (m, r) = (&members[mi], &residents[ri]);
        let v = requests::create(state, r, demo_request(cat, title, ri + 1))
            .await
            .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
        let steps: [(&CurrentUser, Action); 6] = [
            (&admin, Action::Dispatch { assignee: m.id }),
            (m, Action::Accept),
            (m, Action::Start),
            (
                m,
                Action::Complete {
                    minutes: ServiceMinutes::from_minutes(minutes).context("minutes")?,
                    summary: format!("{title}，已完成"),
                },
            ),
            (
                r,
                Action::Review {
                    stars: Stars::new(stars).context("stars")?,
                    comment: None,
                },
            ),
            (&admin, Action::Verify),
        ];
        for (who, action) in steps {
            step(state, who, v.id, action).await?;
        }
    }
    // A few more waiting to be dispatched: try 一键派单 (POST /dispatch/auto).
    for (i, (cat, title)) in [
        ("errands", "代买米面油"),
        ("electrical_repair", "插座没电，电线发烫"),
        ("mediation", "停车位纠纷"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = &residents[i % residents.len()];
        requests::create(
            state,
            r,
            NewRequest {
                location: GeoPoint::new(30.2745 + 0.0004 * i as f64, 120.1560),
                ..demo_request(cat, title, i + 4)
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
    }
    // 爽约 to try: a member confirmed a visit for an hour ago and never
    // started; the resident (王秀英) can record the no-show, or the admin can
    // take the request back (收回).
    {
        let (r, m) = (&residents[0], &members[members.len() - 1]);
        let v = requests::create(
            state,
            r,
            NewRequest {
                preferred_time: Some(state.clock.now() - chrono::Duration::hours(1)),
                description: "约好上午九点上门，到现在没人来".into(),
                ..demo_request("errands", "代取快递", 1)
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
        for (who, action) in [(&admin, Action::Dispatch { assignee: m.id }), (m, Action::Accept)] {
            step(state, who, v.id, action).await?;
        }
    }
    // 周期服务 / 结对帮扶: 王秀英 is visited every week by 陈志强 (the first
    // visit is already planned and dispatched to him); 刘桂兰's utility
    // bills are paid monthly by whoever the community dispatches.
    let today = state.clock.today(state.local_offset);
    let in_two_days = (today + chrono::Duration::days(2)).weekday().number_from_monday();
    for (r, member, title, pattern, weekday, day) in [
        (
            &residents[0],
            Some(members[0].id),
            "每周上门陪伴王奶奶",
            Pattern::Weekly,
            Some(in_two_days),
            None,
        ),
        (&residents[2], None, "每月代缴水电费", Pattern::Monthly, None, Some(10)),
    ] {
        let input = SeriesInput {
            resident_id: Some(r.id),
            category: if pattern == Pattern::Weekly {
                "elderly_care"
            } else {
                "errands"
            }
            .into(),
            title: title.into(),
            description: "结对帮扶，定期上门".into(),
            address: "阳光社区1号楼302".into(),
            location: None,
            pattern,
            weekday,
            day_of_month: day,
            minute_of_day: 9 * 60,
            starts_on: today,
            ends_on: None,
            member_id: member,
        };
        series::create(state, &admin, input)
            .await
            .map_err(|e| anyhow::anyhow!("demo series: {e}"))?;
    }
    disputes(state, &admin, &residents, &members).await?;
    // 重复反映: two neighbours report the same broken light; the second is
    // flagged to 李主任 as like the first (merge it from its page).
    for (r, title, description) in [
        (&residents[0], "5号楼楼道灯坏了", "晚上楼道很黑，老人上下楼不安全"),
        (
            &residents[1],
            "五号楼楼道的灯不亮了",
            "楼道灯坏了好几天，晚上看不见台阶",
        ),
    ] {
        requests::create(
            state,
            r,
            NewRequest {
                description: description.into(),
                ..demo_request("environment", title, 5)
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo duplicate: {e}"))?;
    }
    // 爱心超市 shelves and a commendation, so points have somewhere to go.
    for (name, price, stock) in [("理发券", 8, 20), ("食用油 1.8L", 20, 10), ("大米 5kg", 30, 5)] {
        let input = market::RewardInput {
            name: name.into(),
            description: String::new(),
            points_price: price,
            stock,
            active: true,
        };
        market::create_reward(state, &admin, admin.community_id, input)
            .await
            .map_err(|e| anyhow::anyhow!("demo reward: {e}"))?;
    }
    if let Some(m) = members.first() {
        let award = ledger::AwardInput {
            member_id: m.id,
            kind: ledger::AwardKind::Award,
            points: 10,
            reason: "参加社区义诊".into(),
        };
        ledger::award(state, &admin, award)
            .await
            .map_err(|e| anyhow::anyhow!("demo award: {e}"))?;
    }
    grid_worker(state, c.id, g(0)).await?;
    neighbour(state).await?;
    Ok(true)
}

/// 网格员 周丽 (13900000031) looks after 东区网格: a request she entered
/// for 刘桂兰 at her door (代下单, 上门), and two visits in her 走访 log —
/// one whose need became that request, one with nothing found.
async fn grid_worker(state: &AppState, c: CommunityId, grid: Option<GridId>) -> anyhow::Result<()> {
    let Some(grid) = grid else { return Ok(()) };
    let worker = demo_user(state, "13900000031", "周丽", Role::GridWorker, c, Some(grid)).await?;
    let txn = store::begin_write(&state.writer).await?;
    store::grids::set(&txn, worker.id, &[grid], state.clock.now()).await?;
    txn.commit().await?;
    let ordered = requests::create(
        state,
        &worker,
        NewRequest {
            description: "下周三上午去市一医院复查，腿脚不便，需要有人陪同".into(),
            resident_phone: Phone::parse("13900000003"),
            source: Some(crate::domain::source::Source::WalkIn),
            grid_id: Some(grid),
            ..demo_request("elderly_care", "刘阿姨想请人陪同去医院复查", 3)
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo grid order: {e}"))?;
    for (household, note, needs, request) in [
        (
            "阳光社区3号楼302（刘桂兰）",
            "独居，腿脚不便",
            "下周三去医院复查需要陪同",
            Some(ordered.id),
        ),
        ("阳光社区1号楼101", "身体良好，子女每周来看望", "", None),
    ] {
        let visit = crate::services::grids::VisitInput {
            grid_id: Some(grid),
            resident_id: None,
            household: household.into(),
            visited_on: None,
            note: note.into(),
            needs: needs.into(),
            request_id: request,
        };
        crate::services::grids::record_visit(state, &worker, visit)
            .await
            .map_err(|e| anyhow::anyhow!("demo visit: {e}"))?;
    }
    Ok(())
}

/// A dozen 12345 work orders for 明月社区, imported as the hotline's sheet
/// would be (received over the last days, due within the week; three
/// callers new to Linli).
async fn hotline_orders(state: &AppState, admin: &CurrentUser) -> anyhow::Result<()> {
    const ORDERS: [(&str, &str, &str); 12] = [
        ("助老助残", "独居老人希望每周有人上门看看", "明月社区1幢301"),
        ("环境整治", "小区垃圾房周边气味大", "明月社区3幢旁"),
        ("家电维修", "老人家里热水器打不着火", "明月社区2幢502"),
        ("矛盾调解", "楼上漏水与邻居协商不成", "明月社区5幢201"),
        ("政策宣讲", "想了解高龄津贴怎么申请", "明月社区4幢102"),
        ("环境整治", "楼道灯坏了好几天", "明月社区6幢"),
        ("法律咨询", "子女赡养纠纷想咨询", "明月社区1幢602"),
        ("代购代办", "行动不便需要代缴燃气费", "明月社区2幢101"),
        ("医疗健康", "希望社区组织上门量血压", "明月社区3幢401"),
        ("环境整治", "绿化带里有人种菜", "明月社区北门"),
        ("电路维修", "楼道插座冒火花", "明月社区5幢"),
        ("助老助残", "老人想办理助餐服务", "明月社区4幢302"),
    ];
    let offset = state.local_offset;
    let now = state.clock.now();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string();
    let mut csv = String::from("工单编号,受理时间,诉求类别,地址,诉求内容,联系人,联系电话,办理时限\n");
    for (i, (category, content, address)) in ORDERS.iter().enumerate() {
        let n = i64::try_from(i).unwrap_or(0);
        let received = now - chrono::Duration::hours(6 * n + 2);
        // Three callers new to Linli, the rest 钱阿婆 (who has an account).
        let phone = if i % 4 == 3 {
            format!("1376666000{}", i / 4)
        } else {
            "13900000021".to_owned()
        };
        csv.push_str(&format!(
            "GD{}{:03},{},{category},{address},{content},{},{phone},{}\n",
            received.with_timezone(&offset).format("%Y%m%d"),
            i + 1,
            fmt(received),
            if i % 4 == 3 { "市民" } else { "钱阿婆" },
            fmt(received + chrono::Duration::days(5)),
        ));
    }
    requests::work_orders::import_csv(state, admin, None, &csv)
        .await
        .map_err(|e| anyhow::anyhow!("demo 12345 orders: {e:?}"))?;
    Ok(())
}

/// A second community of 和平街道 (明月社区, its admin 周主任 13900000020
/// and a resident with two requests) and the street's admin, 吴书记
/// 13900000090, who watches both.
async fn neighbour(state: &AppState) -> anyhow::Result<()> {
    let (c, grids) = new_community(state, "明月社区", "和平街道", &["南区网格"]).await?;
    store::directory::set_phone(&state.db, c.id, Some("0571-86005678")).await?;
    crate::services::directory::changed(state).await;
    let g = grids.first().map(|g| g.id);
    let admin = demo_user(state, "13900000020", "周主任", Role::Admin, c.id, None).await?;
    let resident = demo_user(state, "13900000021", "钱阿婆", Role::Resident, c.id, g).await?;
    hotline_orders(state, &admin).await?;
    for (category, title, building) in [
        ("elderly_care", "想请人陪着去菜场", 2u32),
        ("environment", "楼道堆了杂物，老人走路不方便", 6u32),
    ] {
        let mut new = demo_request(category, title, building as usize);
        new.address = format!("明月社区{building}幢");
        new.location = GeoPoint::new(30.2801 + 0.0003 * f64::from(building), 120.1632);
        requests::create(state, &resident, new)
            .await
            .map_err(|e| anyhow::anyhow!("demo request: {e:?}"))?;
    }
    demo_user(state, "13900000090", "吴书记", Role::StreetAdmin, c.id, None).await?;
    Ok(())
}
