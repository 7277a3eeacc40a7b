//! Request extractors that turn every kind of bad input into an [`ApiError`]
//! naming the offending field, instead of actix's plain-text 400s.
//!
//! - [`ValidJson<T>`]: JSON body → `T` (unknown fields refused where `T` says
//!   so), then `validator` rules. An empty body reads as `{}`, so actions whose
//!   body is all optional can be posted without one.
//! - [`ValidQuery<T>`]: the query string, with the same error shape.
//! - [`path_error`]: unparsable path segments (`/requests/abc`) are 404s.

use crate::error::{ApiError, FieldError};
use crate::messages::label;
use crate::msg;
use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use validator::{Validate, ValidationErrors};

pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|e| match e.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
                    _ => ApiError::MalformedBody(e.to_string()),
                })?;
            parse_valid(&req, &bytes).map(ValidJson)
        })
    }
}

/// Body bytes → validated `T`: JSON content type (when one is given), an
/// empty body read as `{}`, field-named errors.
pub fn parse_valid<T: DeserializeOwned + Validate>(req: &HttpRequest, bytes: &[u8]) -> Result<T, ApiError> {
    let trimmed = bytes.trim_ascii();
    let json_ok = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(|ct| {
        let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    });
    if !trimmed.is_empty() && json_ok == Some(false) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let text: &[u8] = if trimmed.is_empty() { b"{}" } else { trimmed };
    let value: T = parse_json(text)?;
    value.validate().map_err(validation_error)?;
    Ok(value)
}

/// Deserializes JSON, reporting the path of the field that failed. Strings
/// holding a NUL character are refused up front: PostgreSQL cannot store
/// them, and no field of ours has a use for one.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedBody(e.to_string()))?;
    if let Some(path) = nul_path(&value, String::new()) {
        return Err(nul_error(path));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Validation(vec![serde_field_error(&path, &e.into_inner().to_string())])
    })
}

/// The path of the first string (or key) containing `\0`, if any.
fn nul_path(v: &serde_json::Value, at: String) -> Option<String> {
    let here = |k: &str| {
        if at.is_empty() {
            k.to_owned()
        } else {
            format!("{at}.{k}")
        }
    };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => Some(if at.is_empty() { "body".into() } else { at }),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| nul_path(x, here(&i.to_string()))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                Some(here(&k.replace('\0', "")))
            } else {
                nul_path(x, here(k))
            }
        }),
        _ => None,
    }
}

fn nul_error(field: String) -> ApiError {
    let m = msg!("field.nul", label = label(&field));
    ApiError::Validation(vec![FieldError::new(field, "invalid", m)])
}

pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = form_urlencoded::parse(req.query_string().as_bytes());
        if let Some((k, _)) = pairs.clone().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return std::future::ready(Err(nul_error(k.replace('\0', ""))));
        }
        let de = serde_urlencoded::Deserializer::new(pairs);
        let parsed = serde_path_to_error::deserialize::<_, T>(de)
            .map_err(|e| {
                let path = e.path().to_string();
                ApiError::Validation(vec![serde_field_error(&path, &e.into_inner().to_string())])
            })
            .and_then(|v: T| {
                v.validate().map_err(validation_error)?;
                Ok(ValidQuery(v))
            });
        std::future::ready(parsed)
    }
}

/// Path segments that do not parse (e.g. a non-numeric id) name no resource.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("resource").into()
}

/// Turns serde's "missing field `x`" / "unknown field `x`" / "invalid type"
/// into a field error.
fn serde_field_error(path: &str, msg: &str) -> FieldError {
    let quoted = msg.split('`').nth(1).unwrap_or("");
    let at_root = path.is_empty() || path == ".";
    let join = |f: &str| if at_root { f.to_owned() } else { format!("{path}.{f}") };
    if msg.starts_with("missing field") {
        let field = join(quoted);
        let m = msg!("field.required", label = label(&field));
        FieldError::new(field, "required", m)
    } else if msg.starts_with("unknown field") {
        // The path already ends at the unknown field.
        let field = if at_root { quoted.to_owned() } else { path.to_owned() };
        let m = msg!("field.unknown_field", label = label(&field));
        FieldError::new(field, "unknown", m)
    } else {
        // serde's own words ("invalid type: …") are for programmers: people
        // read which field is wrong.
        let field = if at_root { "body".to_owned() } else { path.to_owned() };
        let m = msg!("field.invalid_detail", label = label(&field));
        FieldError::new(field, "invalid", m)
    }
}

pub fn validation_error(errors: ValidationErrors) -> ApiError {
    let mut fields: Vec<FieldError> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errs)| {
            errs.iter().map(move |e| {
                let p = |k: &str| e.params.get(k).map(|v| v.to_string().trim_matches('"').to_owned());
                let l = label(&field);
                let m = match (e.code.as_ref(), p("min"), p("max")) {
                    ("length", Some(min), Some(max)) => msg!("field.length.between", label = l, min = min, max = max),
                    ("length", None, Some(max)) => msg!("field.length.at_most", label = l, max = max),
                    ("length", Some(min), None) => msg!("field.length.at_least", label = l, min = min),
                    ("range", Some(min), Some(max)) => msg!("field.range", label = l, min = min, max = max),
                    ("phone", _, _) => msg!("field.phone", label = l),
                    ("email", _, _) => msg!("field.email", label = l),
                    ("blank", _, _) => msg!("field.blank", label = l),
                    // A rule of a body's own (`ValidationError::new(code)`):
                    // its key is `field.<field>.<code>`.
                    (code, _, _) => {
                        let key = format!("field.{field}.{code}");
                        if crate::messages::has(&key) {
                            crate::messages::Msg::new(key)
                        } else {
                            msg!("field.invalid", label = l)
                        }
                    }
                };
                FieldError::new(field.to_string(), e.code.to_string(), m)
            })
        })
        .collect();
    fields.sort_by(|a, b| a.field.cmp(&b.field));
    ApiError::Validation(fields)
}

pub fn phone_field(raw: &str) -> Result<crate::domain::Phone, ApiError> {
    crate::domain::Phone::parse(raw)
        .ok_or_else(|| ApiError::field("phone", "phone", msg!("field.phone", label = label("phone"))))
}

/// `validator` rule: a mainland mobile number.
pub fn validate_phone(raw: &str) -> Result<(), validator::ValidationError> {
    crate::domain::Phone::parse(raw)
        .map(|_| ())
        .ok_or_else(|| validator::ValidationError::new("phone"))
}

/// `validator` rule: not only white space.
pub fn validate_not_blank(raw: &str) -> Result<(), validator::ValidationError> {
    if raw.trim().is_empty() {
        Err(validator::ValidationError::new("blank"))
    } else {
        Ok(())
    }
}

/// `lat` and `lng` together, as a valid position, or neither.
pub fn location_fields(
    lat: Option<f64>,
    lng: Option<f64>,
) -> Result<Option<crate::domain::matching::GeoPoint>, ApiError> {
    use crate::domain::matching::GeoPoint;
    match (lat, lng) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => GeoPoint::new(a, b)
            .map(Some)
            .ok_or_else(|| ApiError::field("lat", "range", msg!("field.lat.range"))),
        (None, Some(_)) => Err(ApiError::field("lat", "required", msg!("field.lat.required"))),
        (Some(_), None) => Err(ApiError::field("lng", "required", msg!("field.lat.required"))),
    }
}

/// The caller's network address, as limits (防刷) count it: the peer, or the
/// first `X-Forwarded-For` hop when `trust_forwarded_for` is set (behind a
/// reverse proxy that sets it). IPv6 callers count by their /64, which one
/// household's devices share.
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let trust = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .is_some_and(|s| s.settings.trust_forwarded_for);
        let raw = if trust {
            req.connection_info().realip_remote_addr().map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        std::future::ready(Ok(ClientAddr(addr_key(raw.as_deref()))))
    }
}

/// An address as a limit's key (see [`ClientAddr`]).
fn addr_key(raw: Option<&str>) -> String {
    use std::net::{IpAddr, SocketAddr};
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return "unknown".into();
    };
    let ip = raw
        .parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|s| s.ip()));
    match ip {
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Some(ip) => ip.to_string(),
        None => raw.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod addr_tests {
    #[test]
    fn addresses_count_by_host_or_v6_prefix() {
        use super::addr_key;
        assert_eq!(addr_key(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(addr_key(Some("203.0.113.7:5123")), "203.0.113.7");
        assert_eq!(addr_key(Some("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(addr_key(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(addr_key(Some("2001:db8:1:2:bbbb::9")), "2001:db8:1:2::/64");
        assert_eq!(addr_key(None), "unknown");
    }
}
