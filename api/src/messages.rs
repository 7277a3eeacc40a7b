//! The one message catalogue (`api/locales/linli.yml`, loaded at compile
//! time by rust-i18n): every text the server shows people — errors and
//! field messages, notices in the inbox and by mail, timeline notes, status
//! words, export headers — by stable key, 简体中文 first, English second.
//!
//! A [`Msg`] is a key and its arguments, rendered late in the reader's
//! language; an argument may itself be a message (a status word inside an
//! error), rendered in the same language.

use crate::i18n::Lang;
use std::borrow::Cow;

/// A key of the catalogue and its `%{name}` arguments. Serialisable, so a
/// notice can be kept as a message and shown in whatever language its
/// reader uses when they read it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Msg {
    key: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    args: Vec<(Cow<'static, str>, Arg)>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Arg {
    Text(String),
    Msg(Msg),
}

/// Anything that can fill a `%{name}`.
pub trait IntoArg {
    fn into_arg(self) -> ArgValue;
}

/// What [`IntoArg`] makes (opaque).
pub struct ArgValue(Arg);

macro_rules! text_args {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> ArgValue {
                ArgValue(Arg::Text(self.to_string()))
            }
        }
    )*};
}
text_args!(
    &str,
    String,
    &String,
    i16,
    i32,
    i64,
    u32,
    u64,
    usize,
    f64,
    crate::domain::RequestId
);

impl IntoArg for Msg {
    fn into_arg(self) -> ArgValue {
        ArgValue(Arg::Msg(self))
    }
}

impl Msg {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Msg {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Fills `%{name}` with `value`.
    pub fn with(mut self, name: &'static str, value: impl IntoArg) -> Msg {
        self.args.push((Cow::Borrowed(name), value.into_arg().0));
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// What the message quotes rather than says: its plain-text arguments
    /// with words in them (a request's title, an address, a reason), nested
    /// messages' included, each once. Screens set these apart as what
    /// people wrote (they stay in the language they were written in).
    pub fn quoted(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_quoted(&mut out);
        out
    }

    fn collect_quoted(&self, out: &mut Vec<String>) {
        for (_, a) in &self.args {
            match a {
                Arg::Text(t) if t.chars().any(char::is_alphabetic) && !out.contains(t) => out.push(t.clone()),
                Arg::Text(_) => {}
                Arg::Msg(m) => m.collect_quoted(out),
            }
        }
    }

    /// The text in `lang` (the key itself, loudly, if the catalogue lacks it:
    /// a test keeps that from happening).
    pub fn render(&self, lang: Lang) -> String {
        let template = text(&self.key, lang).unwrap_or_else(|| {
            tracing::error!(key = %self.key, "message missing from the catalogue");
            Cow::Owned(self.key.to_string())
        });
        if self.args.is_empty() {
            return template.into_owned();
        }
        let names: Vec<&str> = self.args.iter().map(|(n, _)| n.as_ref()).collect();
        let values: Vec<String> = self
            .args
            .iter()
            .map(|(_, a)| match a {
                Arg::Text(t) => t.clone(),
                Arg::Msg(m) => m.render(lang),
            })
            .collect();
        rust_i18n::replace_patterns(&template, &names, &values)
    }
}

/// `msg!("key", name = value, …)`: a [`Msg`] with its arguments.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Msg::new($key)$(.with(stringify!($name), $value))*
    };
}

/// The catalogue's text for `key` in `lang`, if it has one.
pub fn text(key: &str, lang: Lang) -> Option<Cow<'static, str>> {
    crate::_rust_i18n_try_translate(lang.code(), key)
}

pub fn has(key: &str) -> bool {
    text(key, Lang::Zh).is_some()
}

/// A field's name as people say it (`label.<field>`), or the field itself.
pub fn label(field: &str) -> Msg {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    let key = format!("label.{base}");
    if has(&key) {
        Msg::new(key)
    } else {
        // An unknown field: show it as it was sent (it is what the caller typed).
        Msg::new("label.raw").with("field", field)
    }
}

/// The words for things the API names by code.
pub fn resource(what: &str) -> Msg {
    let key = format!("resource.{what}");
    if has(&key) {
        Msg::new(key)
    } else {
        Msg::new("resource.resource")
    }
}

pub fn status(s: crate::domain::request::Status) -> Msg {
    Msg::new(format!("status.request.{}", s.as_str()))
}

/// A wait as people say it: "45 秒", "3 分钟" (whole minutes, rounded up, past a minute).
pub fn wait(secs: u64) -> Msg {
    if secs < 60 {
        Msg::new("wait.seconds").with("n", secs.max(1))
    } else {
        Msg::new("wait.minutes").with("n", secs.div_ceil(60))
    }
}

pub fn member_status(s: crate::domain::member::MemberStatus) -> Msg {
    Msg::new(format!("status.member.{}", s.as_str()))
}

pub fn redemption_status(s: crate::domain::redemption::Status) -> Msg {
    Msg::new(format!("status.redemption.{}", s.as_str()))
}

pub fn stage(s: crate::domain::sla::Stage) -> Msg {
    Msg::new(format!("stage.{}", s.as_str()))
}

pub fn record_kind(k: crate::domain::ledger::RecordKind) -> Msg {
    Msg::new(format!("record_kind.{}", k.as_str()))
}

pub fn exclusion(e: crate::domain::matching::Exclusion) -> Msg {
    use crate::domain::matching::Exclusion;
    match e {
        Exclusion::Unqualified(kind) => Msg::new("exclusion.qualification").with("kind", qualification_kind(kind)),
        other => Msg::new(format!("exclusion.{}", other.code())),
    }
}

/// The name of a qualification kind (律师执业证, …).
pub fn qualification_kind(k: crate::domain::qualification::QualificationKind) -> Msg {
    Msg::new(format!("qualification.kind.{}", k.as_str()))
}

pub fn qualification_status(s: crate::domain::qualification::QualificationStatus) -> Msg {
    Msg::new(format!("status.qualification.{}", s.as_str()))
}

/// Why the password policy refused a password, in words.
pub fn weakness(w: crate::domain::password::Weakness) -> Msg {
    use crate::domain::password::{MIN_CHARS, Weakness};
    let m = Msg::new(format!("password.weak.{}", w.as_str()));
    match w {
        Weakness::TooShort => m.with("min", MIN_CHARS),
        _ => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The catalogue file, as written.
    fn catalogue() -> BTreeMap<String, BTreeMap<String, String>> {
        let text = include_str!("../locales/linli.yml");
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut key = None;
        for line in text.lines() {
            if line.starts_with('#') || line.starts_with("_version") || line.trim().is_empty() {
                continue;
            }
            if let Some(k) = line.strip_suffix(':').filter(|_| !line.starts_with(' ')) {
                key = Some(k.to_owned());
                out.entry(k.to_owned()).or_default();
            } else if let (Some(k), Some((lang, value))) = (&key, line.trim().split_once(": ")) {
                let value: String = serde_json::from_str(value).unwrap_or_else(|_| panic!("{k}: not a JSON string"));
                out.entry(k.clone()).or_default().insert(lang.to_owned(), value);
            }
        }
        out
    }

    #[test]
    fn every_key_speaks_both_languages_with_the_same_arguments() {
        let args = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = s
                .split("%{")
                .skip(1)
                .filter_map(|p| p.split('}').next().map(str::to_owned))
                .collect();
            v.sort();
            v
        };
        let all = catalogue();
        assert!(all.len() > 100, "{} keys", all.len());
        for (key, langs) in &all {
            let (Some(zh), Some(en)) = (langs.get("zh"), langs.get("en")) else {
                panic!("{key} lacks zh or en: {langs:?}")
            };
            assert_eq!(args(zh), args(en), "{key}");
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key}: Chinese in English: {en}"
            );
            assert_eq!(text(key, Lang::Zh).as_deref(), Some(zh.as_str()), "{key} is loaded");
        }
    }

    #[test]
    fn every_literal_key_in_the_code_is_in_the_catalogue() {
        let all = catalogue();
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let source = std::fs::read_to_string(&path).expect("source");
                // Comments may show the syntax (`msg!("key", …)`).
                let code: String = source
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for marker in ["msg!(\"", "Msg::new(\""] {
                    for part in code.split(marker).skip(1) {
                        let key = part.split('"').next().unwrap_or("");
                        if !all.contains_key(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys not in the catalogue: {missing:#?}");
    }

    #[test]
    fn every_code_word_has_its_text() {
        use crate::domain::{ledger, matching::Exclusion, member, redemption, request, sla};
        use strum::IntoEnumIterator;
        let mut keys: Vec<Msg> = request::Status::ALL.into_iter().map(status).collect();
        keys.extend(
            [
                member::MemberStatus::Pending,
                member::MemberStatus::Active,
                member::MemberStatus::Suspended,
            ]
            .map(member_status),
        );
        keys.extend(redemption::Status::iter().map(redemption_status));
        keys.extend(sla::Stage::ALL.map(stage));
        keys.extend(
            crate::domain::reminder::ReminderKind::iter().map(|k| Msg::new(format!("notice.remind.{}", k.as_str()))),
        );
        // Every transition's notice title.
        keys.extend(
            request::Step::iter()
                .filter(|s| *s != request::Step::Create)
                .map(|s| Msg::new(format!("notice.{}", s.as_str()))),
        );
        keys.extend(ledger::RecordKind::iter().map(record_kind));
        keys.extend(
            [
                Exclusion::NotApproved,
                Exclusion::Suspended,
                Exclusion::Full,
                Exclusion::Unavailable,
                Exclusion::Requester,
                Exclusion::Declined,
                Exclusion::Unqualified(crate::domain::qualification::QualificationKind::NurseLicence),
            ]
            .map(exclusion),
        );
        keys.extend(crate::domain::qualification::QualificationKind::iter().map(qualification_kind));
        keys.extend(crate::domain::qualification::QualificationStatus::iter().map(qualification_status));
        keys.extend(crate::domain::password::Weakness::iter().map(weakness));
        for what in [
            "request",
            "user",
            "community",
            "grid",
            "category",
            "member",
            "rule",
            "reward",
            "redemption",
            "record",
            "credit",
            "certificate",
            "notification",
            "route",
        ] {
            keys.push(resource(what));
        }
        for m in keys {
            assert!(has(m.key()), "{} missing", m.key());
        }
    }

    #[test]
    fn arguments_fill_in_including_nested_messages() {
        let m = msg!(
            "error.request.invalid_transition",
            status = msg!("status.request.closed")
        );
        assert_eq!(m.render(Lang::Zh), "需求当前状态为「已办结」，不能执行此操作");
        assert_eq!(m.render(Lang::En), "Not allowed while the request is Closed");
        assert_eq!(
            msg!(
                "notice.body",
                title = msg!("notice.dispatch", title = "帮老人买菜"),
                id = 42,
                address = "3号楼",
                status = msg!("status.request.closed"),
                link = "x"
            )
            .quoted(),
            vec!["帮老人买菜".to_owned(), "3号楼".to_owned(), "x".to_owned()]
        );
        assert_eq!(label("password").render(Lang::Zh), "密码");
        assert_eq!(
            label("category_multipliers_pct.health").render(Lang::En),
            "Category multipliers"
        );
    }
}
