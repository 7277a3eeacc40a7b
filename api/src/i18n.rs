//! The language of the current HTTP request. Chinese first, English second:
//! set from `Accept-Language` by a middleware for the duration of the request,
//! so errors rendered anywhere in its handling speak the caller's language.

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

tokio::task_local! {
    static LANG: Lang;
}

impl Lang {
    /// `en`, `en-US,en;q=0.9` → English; anything else (or nothing) → Chinese.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let first = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_ascii_lowercase());
        match first {
            Some(tag) if tag.starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The language of the request being handled (Chinese outside a request).
    pub fn current() -> Lang {
        LANG.try_with(|l| *l).unwrap_or(Lang::Zh)
    }

    /// Runs `fut` with `self` as the current language.
    pub async fn scope<F: std::future::Future>(self, fut: F) -> F::Output {
        LANG.scope(self, fut).await
    }

    /// `zh` or `en`, as stored and as the API shows it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
