//! Hardening that applies to every request, whatever route it reaches:
//! security headers on every answer, no NUL character in a path, and a
//! request body that must keep arriving. `startup::run` wraps the app in
//! each.

use crate::error::ApiError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::DefaultHeaders;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, ResponseError};
use futures::Stream;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// What the web UI needs and nothing more: its own scripts, styles
/// (`'unsafe-inline'` for styles only: the dashboard's ECharts tooltips are
/// HTML with `style` attributes — `echarts/lib/util/format.js`
/// `getTooltipMarker`; without it the desk and loop e2e still pass, but
/// the hover markers would be refused), its own API and
/// event stream, images from itself, `data:` (inlined icons, QR codes),
/// `blob:` (photos picked for upload) and the map tiles of
/// tile.openstreetmap.org. No plugin, no `<base>` elsewhere, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob: https://tile.openstreetmap.org; \
     font-src 'self' data:; \
     connect-src 'self'; \
     object-src 'none'; \
     base-uri 'self'; \
     form-action 'self'; \
     frame-ancestors 'none'";

/// Headers added to every response that does not set its own.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
}

/// A path holding `%00` names nothing: no id, certificate number or file
/// has a NUL character, and PostgreSQL refuses one in a query parameter
/// (which would surface as a 500). Answered 404 before any route runs.
/// (Query strings are checked by `ValidQuery`, which names the field; a raw
/// NUL byte cannot reach here, the HTTP parser refuses it.)
pub fn refuse_nul_in_path<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, Error>>>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    if req.path().contains("%00") {
        let res = ApiError::NotFound("resource").error_response();
        return Box::pin(std::future::ready(Ok(req.into_response(res))));
    }
    let fut = srv.call(req);
    Box::pin(async move { Ok(fut.await?.map_into_boxed_body()) })
}

/// A request body that stops arriving for `idle` (fewer bytes than its
/// `Content-Length`, then silence) is answered 408 `request.body_timeout`
/// and its connection closed, whatever the handler was reading it for —
/// instead of holding the connection and a worker's attention until the
/// client goes away. Like nginx's `client_body_timeout`, the clock restarts
/// with every chunk, so a slow but live upload finishes. `idle` zero: off.
pub fn body_timeout<S, B>(
    mut req: ServiceRequest,
    srv: &S,
    idle: Duration,
) -> Pin<Box<dyn Future<Output = Result<ServiceResponse<BoxBody>, Error>>>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let payload = req.take_payload();
    if matches!(payload, Payload::None) || idle.is_zero() {
        req.set_payload(payload);
        let fut = srv.call(req);
        return Box::pin(async move { Ok(fut.await?.map_into_boxed_body()) });
    }
    let expired = Arc::new(AtomicBool::new(false));
    let timed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(Idle {
        inner: payload,
        idle,
        timer: None,
        expired: expired.clone(),
    });
    req.set_payload(Payload::from(timed));
    let fut = srv.call(req);
    Box::pin(async move {
        let res = fut.await;
        if !expired.load(Ordering::Acquire) {
            return Ok(res?.map_into_boxed_body());
        }
        let timeout = ApiError::BodyTimeout(idle.as_secs());
        // Whatever the handler made of the failed read, the answer is 408.
        // (An `Err` leaves the answer to actix, which closes a connection
        // whose body was not read to the end anyway.)
        let (http, _) = res
            .map_err(|_| Error::from(ApiError::BodyTimeout(idle.as_secs())))?
            .into_parts();
        let mut answer = timeout.error_response();
        answer
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        Ok(ServiceResponse::new(http, answer))
    })
}

/// The request's payload, failing with a timed-out I/O error when no chunk
/// came for `idle`.
struct Idle {
    inner: Payload,
    idle: Duration,
    /// Started at the first poll, restarted after each chunk.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: Arc<AtomicBool>,
}

impl Stream for Idle {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            this.timer = None;
            return Poll::Ready(item);
        }
        let idle = this.idle;
        let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
        match timer.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                this.expired.store(true, Ordering::Release);
                let e = std::io::Error::new(std::io::ErrorKind::TimedOut, "request body timed out");
                Poll::Ready(Some(Err(PayloadError::Io(e))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[tokio::test]
    async fn a_body_that_stops_arriving_fails_and_a_live_one_does_not() {
        let (sender, chunks) = futures::channel::mpsc::unbounded::<Result<Bytes, PayloadError>>();
        let chunks: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(chunks);
        let expired = Arc::new(AtomicBool::new(false));
        let mut body = Idle {
            inner: Payload::from(chunks),
            idle: Duration::from_millis(50),
            timer: None,
            expired: expired.clone(),
        };
        let feed = |b: &'static [u8]| sender.unbounded_send(Ok(Bytes::from_static(b))).is_ok();
        assert!(feed(b"{\"a\""));
        assert_eq!(
            body.next().await.and_then(Result::ok),
            Some(Bytes::from_static(b"{\"a\""))
        );
        // Chunks 30 ms apart: never 50 ms of silence.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(30)).await;
            assert!(feed(b" "));
            assert!(matches!(body.next().await, Some(Ok(_))));
        }
        assert!(!expired.load(Ordering::Acquire));
        // Then silence.
        let started = std::time::Instant::now();
        assert!(matches!(body.next().await, Some(Err(PayloadError::Io(_)))));
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert!(expired.load(Ordering::Acquire));
    }
}
