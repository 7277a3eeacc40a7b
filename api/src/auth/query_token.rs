//! Browsers' `EventSource` cannot send an `Authorization` header, so the
//! live stream — and only it ([`STREAM`]) — accepts `?access_token=`. This
//! runs before the request is logged: it moves the token out of the URL on
//! every path, so no access log ever holds a token, and into the header on
//! the stream's path alone. Elsewhere a token in the URL authenticates
//! nothing (links get shared, pasted and kept in browser history).

use actix_web::dev::ServiceRequest;
use actix_web::http::Uri;
use actix_web::http::header::{AUTHORIZATION, HeaderValue};

const PARAM: &str = "access_token";

/// The one path where a token in the URL counts.
pub const STREAM: &str = "/api/v1/events/stream";

pub fn lift(req: &mut ServiceRequest) {
    let Some(query) = req.uri().query() else { return };
    if !query.contains(PARAM) {
        return;
    }
    let mut token = None;
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter_map(|(k, v)| {
            if k == PARAM {
                token = Some(v.into_owned());
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    let Some(token) = token else { return };
    let rest = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    let path_and_query = if rest.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{rest}", req.path())
    };
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        req.head_mut().uri = uri;
    }
    if req.path() == STREAM
        && !req.headers().contains_key(AUTHORIZATION)
        && let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}"))
    {
        req.headers_mut().insert(AUTHORIZATION, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn token_moves_from_the_url_to_the_header() {
        let mut req = TestRequest::with_uri("/api/v1/events/stream?x=1&access_token=abc%20d").to_srv_request();
        lift(&mut req);
        assert_eq!(req.uri().to_string(), "/api/v1/events/stream?x=1");
        assert_eq!(
            req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()),
            Some("Bearer abc d")
        );

        let mut req = TestRequest::with_uri("/api/v1/events/stream?access_token=t")
            .insert_header((AUTHORIZATION, "Bearer mine"))
            .to_srv_request();
        lift(&mut req);
        assert_eq!(req.uri().to_string(), "/api/v1/events/stream");
        assert_eq!(
            req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()),
            Some("Bearer mine")
        );
    }

    #[test]
    fn elsewhere_the_token_leaves_the_url_and_counts_for_nothing() {
        let mut req = TestRequest::with_uri("/api/v1/me?access_token=abc&x=1").to_srv_request();
        lift(&mut req);
        assert_eq!(req.uri().to_string(), "/api/v1/me?x=1");
        assert!(req.headers().get(AUTHORIZATION).is_none());
    }
}
