//! Personal data in the matrix's answers, against the rule the services
//! apply (`domain::scope::Viewer::sees_contact`, `services::requests::view`,
//! `services::users::user_view`):
//! * a full phone number (11 digits, `1[3-9]…`) is the caller's own, or
//!   belongs to someone of a community the caller administers; inside a
//!   request, the resident's `contact_phone` is also the requester's and
//!   the holder's while serving (accepted, in progress), and the holder's
//!   `assignee.phone` the requester's while served;
//! * a home address (a request's or a series' `address`) and a
//!   qualification's number (证书编号 — the id numbers the system keeps)
//!   go to the people of that record — for a request its resident, holder
//!   (a follower, 关注, reads only the place: `mask_address`) — and to
//!   admins of its community.
//!
//! What the caller sent in the request (a phone to sign in with, the address
//! they posted) may come back. Every phone the world made is registered: an
//! unknown one is reported too.

use std::collections::HashMap;

/// Someone's phone: whose, and in which community.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub user: i64,
    pub community: i64,
}

/// A text only some may read, and who.
#[derive(Debug, Clone)]
struct Secret {
    what: &'static str,
    text: String,
    people: Vec<i64>,
    community: i64,
}

#[derive(Debug, Default)]
pub struct Registry {
    phones: HashMap<String, Owner>,
    secrets: Vec<Secret>,
}

/// The reader of an answer.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    /// `None`: no token.
    pub user: Option<i64>,
    /// The community they administer (`None`: none). A street admin
    /// administers every community of the world (one street).
    pub administers: Option<i64>,
    pub street: bool,
}

impl Reader {
    fn admin_of(&self, community: i64) -> bool {
        self.street || self.administers == Some(community)
    }

    fn is(&self, user: i64) -> bool {
        self.user == Some(user)
    }
}

impl Registry {
    pub fn phone(&mut self, phone: &str, user: i64, community: i64) {
        self.phones.insert(phone.to_owned(), Owner { user, community });
    }

    /// `text` (an address, a licence number) may be read by `people` and
    /// the admins of `community`.
    pub fn secret(&mut self, what: &'static str, text: &str, people: &[i64], community: i64) {
        self.secrets.push(Secret {
            what,
            text: text.to_owned(),
            people: people.to_vec(),
            community,
        });
    }

    /// Everything in `body` that `reader` should not have read; `sent` is
    /// the request's own body (it may come back).
    pub fn leaks(&self, body: &serde_json::Value, reader: Reader, sent: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(body, reader, sent, &mut out);
        out
    }

    fn walk(&self, v: &serde_json::Value, reader: Reader, sent: &str, out: &mut Vec<String>) {
        use serde_json::Value;
        match v {
            Value::String(s) => self.text(s, reader, sent, out),
            Value::Array(items) => items.iter().for_each(|i| self.walk(i, reader, sent, out)),
            Value::Object(map) => {
                let request = map.contains_key("contact_phone") && map.contains_key("status");
                for (k, v) in map {
                    // Session tokens and temporary passwords are random text, not data.
                    if k == "token" || k == "password" {
                        continue;
                    }
                    if request && (k == "contact_phone" || k == "assignee") {
                        self.request_contact(map, k, reader, sent, out);
                        continue;
                    }
                    self.walk(v, reader, sent, out);
                }
            }
            _ => {}
        }
    }

    /// A request's `contact_phone` and its holder's `assignee.phone`.
    fn request_contact(
        &self,
        r: &serde_json::Map<String, serde_json::Value>,
        key: &str,
        reader: Reader,
        sent: &str,
        out: &mut Vec<String>,
    ) {
        let community = r["community_id"].as_i64().unwrap_or(0);
        let resident = r["resident"]["id"].as_i64().unwrap_or(0);
        let holder = r["assignee"]["id"].as_i64();
        let serving = matches!(r["status"].as_str(), Some("accepted" | "in_progress"));
        let admin = reader.admin_of(community);
        let requester = reader.is(resident);
        let (field, may) = if key == "contact_phone" {
            let holder_serving = holder.is_some_and(|h| reader.is(h)) && serving;
            (&r["contact_phone"], admin || requester || holder_serving)
        } else {
            // The holder's name and id are no secret; their phone is.
            let mut rest = r["assignee"].clone();
            if let Some(m) = rest.as_object_mut() {
                m.remove("phone");
            }
            self.walk(&rest, reader, sent, out);
            let own = holder.is_some_and(|h| reader.is(h));
            (&r["assignee"]["phone"], admin || own || (requester && serving))
        };
        if let Some(s) = field.as_str() {
            for phone in phones(s) {
                if !may && !sent.contains(&phone) {
                    out.push(format!("{phone} ({key} of request {}, {})", r["id"], r["status"]));
                }
            }
            self.secrets_in(s, reader, sent, out);
        }
    }

    fn text(&self, s: &str, reader: Reader, sent: &str, out: &mut Vec<String>) {
        for phone in phones(s) {
            if sent.contains(&phone) {
                continue;
            }
            match self.phones.get(&phone) {
                None => out.push(format!("{phone} (a phone the matrix did not make)")),
                Some(o) if reader.is(o.user) || reader.admin_of(o.community) => {}
                Some(o) => out.push(format!("{phone} (user {} of community {})", o.user, o.community)),
            }
        }
        self.secrets_in(s, reader, sent, out);
    }

    fn secrets_in(&self, s: &str, reader: Reader, sent: &str, out: &mut Vec<String>) {
        for secret in &self.secrets {
            if s.contains(&secret.text)
                && !sent.contains(&secret.text)
                && !reader.admin_of(secret.community)
                && !secret.people.iter().any(|p| reader.is(*p))
            {
                out.push(format!("{} {:?}", secret.what, secret.text));
            }
        }
    }
}

/// Every run of exactly 11 digits that reads as a mainland mobile number.
pub fn phones(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        let b = run.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
            out.push(run.clone());
        }
        run.clear();
    }
    out
}

#[test]
fn finds_whole_phone_numbers_only() {
    assert_eq!(phones("call 13812345678 or 138****5678"), vec!["13812345678"]);
    assert!(phones("113812345678 12812345678 1381234567").is_empty());
    assert_eq!(phones("15900000001,15900000002"), vec!["15900000001", "15900000002"]);
}
