//! The records of each kind and shape: made once and kept for every call
//! that only reads (or is refused), made afresh for a call allowed to
//! change one.

use super::world::{Caller, Inst, Kind, Shape, Stage, World, ok};
use crate::helpers::User;
use serde_json::json;

impl World<'_> {
    /// The record of `kind` and `shape` (`stage` for request-backed ones),
    /// made once and kept, or made afresh; `me` for the caller's own
    /// account and notices.
    pub async fn inst(&self, kind: Kind, shape: Shape, stage: Stage, fresh: bool, me: &Caller) -> Inst {
        if fresh {
            return self.make(kind, shape, stage, true, me).await;
        }
        let mine = matches!(kind, Kind::User | Kind::Notification) && shape == Shape::Mine;
        let key = (kind, shape, stage, if mine { me.id() } else { None });
        let cell = self.shared.lock().await.entry(key).or_default().clone();
        cell.get_or_init(|| self.make(kind, shape, stage, false, me))
            .await
            .clone()
    }

    async fn make(&self, kind: Kind, shape: Shape, stage: Stage, fresh: bool, me: &Caller) -> Inst {
        let (resident, member, community) = self.people(shape);
        let app = self.app;
        match kind {
            Kind::Request => self.request(shape, stage, fresh).await,
            Kind::Community => Inst {
                id: community.to_string(),
                photo: None,
                community,
                owner: None,
                holder: None,
            },
            Kind::Member => {
                let m = match (shape, fresh) {
                    (Shape::Mine, _) | (_, false) => member.clone(),
                    (_, true) => self.new_member(community).await,
                };
                person(&m, community)
            }
            Kind::User => {
                let u = match (shape, fresh) {
                    (Shape::Mine, _) => me.user.clone().expect("a caller of their own"),
                    (_, false) => resident.clone(),
                    (_, true) => {
                        let u = app.resident_in(community).await;
                        self.phone(&u, community);
                        u
                    }
                };
                person(&u, community)
            }
            Kind::Appeal => {
                let r = self.request(shape, Stage::Completed, fresh).await;
                let body = json!({"kind": "completion", "request_id": r.id.parse::<i64>().ok(), "reason": "没有上门"});
                let a = ok("appeal", app.post(&resident.token, "/appeals", body).await);
                Inst {
                    id: a["id"].as_i64().expect("id").to_string(),
                    ..r
                }
            }
            Kind::Qualification => {
                let number = format!("L{:015}", self.next());
                let body = json!({"kind": "lawyer_licence", "number": number, "issuer": "市司法局", "expires_on": "2031-12-31"});
                let q = ok("qualification", app.post(&member.token, "/qualifications", body).await);
                self.secret("qualification number", &number, &[member.id], community);
                Inst {
                    id: q["id"].as_i64().expect("id").to_string(),
                    ..person(member, community)
                }
            }
            Kind::Reward => {
                let admin = self.admin_of(community);
                let body = json!({"name": "大米 5kg", "points_price": 1, "stock": 1000, "community_id": community});
                let r = ok("reward", app.post(&admin.token, "/rewards", body).await);
                Inst {
                    id: r["id"].as_i64().expect("id").to_string(),
                    photo: None,
                    community,
                    owner: None,
                    holder: None,
                }
            }
            Kind::Redemption => {
                let reward = Box::pin(self.inst(Kind::Reward, shape, stage, false, me)).await;
                let path = format!("/rewards/{}/redeem", reward.id);
                let r = ok("redeem", app.post(&member.token, &path, json!({})).await);
                Inst {
                    id: r["id"].as_i64().expect("id").to_string(),
                    ..person(member, community)
                }
            }
            Kind::Record | Kind::Certificate => {
                let r = self.request(shape, Stage::Closed, fresh).await;
                let holder = r.holder.expect("holder");
                let admin = self.admin_of(community);
                if kind == Kind::Certificate {
                    let c = ok("certificate", app.post(&member.token, "/certificates", json!({})).await);
                    return Inst {
                        id: c["number"].as_str().expect("number").to_owned(),
                        ..person(member, community)
                    };
                }
                let path = format!("/members/{holder}/records?limit=100");
                let list = ok("records", app.get(&admin.token, &path).await);
                let rec = list["items"]
                    .as_array()
                    .and_then(|items| {
                        items
                            .iter()
                            .find(|i| i["request_id"].as_i64().map(|x| x.to_string()).as_ref() == Some(&r.id))
                    })
                    .expect("the request's record")
                    .clone();
                Inst {
                    id: rec["id"].to_string(),
                    photo: None,
                    community,
                    owner: Some(holder),
                    holder: None,
                }
            }
            Kind::Series => {
                let address = format!("和平里{}号楼{}室", self.next(), self.next());
                let today = app.state.clock.today(app.state.local_offset);
                let body = json!({"category": "elderly_care", "title": "每周陪聊", "address": address,
                    "pattern": "weekly", "weekday": 1, "time": "09:00", "starts_on": today});
                let s = ok("series", app.post(&resident.token, "/series", body).await);
                self.secret("address", &address, &[resident.id], community);
                Inst {
                    id: s["id"].as_i64().expect("id").to_string(),
                    ..person(resident, community)
                }
            }
            Kind::Notification => {
                let (who, community) = match shape {
                    Shape::Mine => (me.user.clone().expect("a caller of their own"), me.community),
                    _ => (resident.clone(), community),
                };
                let list = ok("inbox", app.get(&who.token, "/notifications").await);
                let id = list["items"][0]["id"].as_i64();
                Inst {
                    id: id.expect("a notice of theirs").to_string(),
                    ..person(&who, community)
                }
            }
        }
    }
}

fn person(u: &User, community: i64) -> Inst {
    Inst {
        id: u.id.to_string(),
        photo: None,
        community,
        owner: Some(u.id),
        holder: None,
    }
}
