//! Browsers' `EventSource` cannot send an `Authorization` header, so the
//! live stream accepts `?access_token=`. This runs before the request is
//! logged: it moves the token into the header and out of the URL, so no
//! access log ever holds a token.

use actix_web::dev::ServiceRequest;
use actix_web::http::Uri;
use actix_web::http::header::{AUTHORIZATION, HeaderValue};

const PARAM: &str = "access_token";

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
    if !req.headers().contains_key(AUTHORIZATION)
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
}
