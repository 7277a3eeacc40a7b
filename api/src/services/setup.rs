//! Start-up data: the service menu (always kept complete) and, on an empty
//! database, the first community and admin.

use crate::domain::qualification::QualificationKind;
use crate::domain::{Phone, Role};
use crate::services::auth::{NewAccount, create_account};
use crate::state::AppState;
use crate::store::{self, directory::NewCategory};
use anyhow::Context;

/// 服务清单: code, 中文名, English name, group, SLA hours.
const CATEGORIES: [(&str, &str, &str, &str, i32); 11] = [
    (
        "elderly_care",
        "助老助残",
        "Help for elderly and disabled",
        "生活服务",
        48,
    ),
    ("appliance_repair", "家电维修", "Appliance repair", "生活服务", 72),
    (
        "electrical_repair",
        "电路维修",
        "Electrical wiring repair",
        "专业服务",
        72,
    ),
    ("legal_advice", "法律咨询", "Legal advice", "专业服务", 72),
    ("mediation", "矛盾调解", "Dispute mediation", "社区治理", 48),
    ("environment", "环境整治", "Environment clean-up", "社区治理", 72),
    ("errands", "代购代办", "Errands and shopping", "生活服务", 24),
    ("counseling", "心理疏导", "Counseling", "专业服务", 48),
    ("health", "医疗健康", "Health care", "专业服务", 24),
    ("patrol", "巡逻值守", "Patrol and watch", "平安建设", 72),
    ("policy_outreach", "政策宣讲", "Policy outreach", "宣传教育", 168),
];

/// 资质 the menu's professional services need. Wiring (电路维修) needs an
/// electrician's certificate; fixing a household appliance (家电维修) does
/// not — neighbours' everyday repairs stay open to every volunteer
/// (migration `m20261204_000014_electrical` moved the requirement on menus
/// written before).
fn qualification_for(code: &str) -> Option<QualificationKind> {
    match code {
        "legal_advice" => Some(QualificationKind::LawyerLicence),
        "electrical_repair" => Some(QualificationKind::ElectricianCertificate),
        "health" => Some(QualificationKind::MedicalLicence),
        _ => None,
    }
}

/// Inserts any menu entry that is missing; existing ones are left as admins edited them.
pub async fn categories(state: &AppState) -> anyhow::Result<()> {
    let have = store::directory::categories(&state.db, false).await?;
    let mut added = false;
    for (i, (code, zh, en, group, sla)) in CATEGORIES.iter().enumerate() {
        if have.iter().any(|c| c.code == *code) {
            continue;
        }
        let entry = NewCategory {
            code,
            name_zh: zh,
            name_en: en,
            group_name: group,
            sla_hours: *sla,
            // 督查: a third of the time to dispatch, a sixth to accept.
            dispatch_hours: (*sla / 3).clamp(4, 24),
            accept_hours: (*sla / 6).clamp(2, 12),
            sort_order: i as i32,
            qualification: qualification_for(code),
        };
        store::directory::insert_category(&state.db, entry).await?;
        added = true;
    }
    if added {
        crate::services::directory::changed(state).await;
    }
    Ok(())
}

/// A community with its grids (300 households each, a typical 邻里).
pub(crate) async fn new_community(
    state: &AppState,
    name: &str,
    street: &str,
    grids: &[&str],
) -> anyhow::Result<(store::directory::Community, Vec<store::directory::Grid>)> {
    let txn = store::begin_write(&state.writer).await?;
    let c = store::directory::insert_community(&txn, name, street, "示范区", state.clock.now()).await?;
    let mut gs = Vec::new();
    for g in grids {
        gs.push(store::directory::insert_grid(&txn, c.id, g, 300).await?);
    }
    txn.commit().await?;
    crate::services::directory::changed(state).await;
    Ok((c, gs))
}

/// The first admin's credentials, printed once by `linli serve` on first start.
pub struct Bootstrap {
    pub phone: String,
    pub password: String,
}

/// The first admin's name.
const ADMIN_NAME: &str = "社区管理员";

/// On an empty database: one community with three grids and its first admin.
/// Returns the admin's credentials the first time, `None` afterwards.
pub async fn bootstrap(state: &AppState) -> anyhow::Result<Option<Bootstrap>> {
    if !store::directory::communities(&state.db).await?.is_empty() {
        return Ok(None);
    }
    // Settings are checked before anything is written: a refused phone or
    // password stops this start, and the next one (fixed) begins afresh.
    let phone =
        Phone::parse(&state.settings.admin_phone).context("LINLI_ADMIN_PHONE is not a mainland mobile number")?;
    let password = if state.settings.admin_password.is_empty() {
        crate::auth::token::generate()[..12].to_owned()
    } else {
        state.settings.admin_password.expose().to_owned()
    };
    if let Err(w) = crate::domain::password::check(&password, phone.as_str(), ADMIN_NAME) {
        let e = crate::error::ApiError::WeakPassword("admin_password", w);
        anyhow::bail!(
            "LINLI_ADMIN_PASSWORD: {} / {}",
            e.message(crate::i18n::Lang::Zh),
            e.message(crate::i18n::Lang::En)
        );
    }
    let (c, _) = new_community(state, "幸福里社区", "和平街道", &["第一网格", "第二网格", "第三网格"]).await?;
    let acc = NewAccount {
        phone: phone.clone(),
        name: ADMIN_NAME.into(),
        password: password.clone(),
        role: Role::Admin,
        community_id: c.id,
        grid_id: None,
    };
    create_account(state, acc)
        .await
        .map_err(|e| anyhow::anyhow!("creating first admin: {e}"))?;
    Ok(Some(Bootstrap {
        phone: phone.to_string(),
        password,
    }))
}
