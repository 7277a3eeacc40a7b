//! The route table: every route is registered through [`Routes`], which
//! records a [`Row`] — method, path, [`Access`] — for each, so a route
//! cannot exist without its row, and [`super::table`] lists them (actix-web
//! cannot list its own routes). The authorization matrix test walks that
//! list.

use super::access::{Access, Method, Row};
use actix_web::{FromRequest, Handler, Responder, web};

/// Registers routes into an actix `ServiceConfig` (when serving) and
/// records their rows (always).
pub struct Routes<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    prefix: &'static str,
    rows: Vec<Row>,
}

impl<'a> Routes<'a> {
    /// Routes under `prefix` (the scope they are configured in), registered.
    pub fn registering(cfg: &'a mut web::ServiceConfig, prefix: &'static str) -> Routes<'a> {
        Routes {
            cfg: Some(cfg),
            prefix,
            rows: Vec::new(),
        }
    }

    /// Routes under `prefix`, only listed.
    pub fn listing(prefix: &'static str) -> Routes<'static> {
        Routes {
            cfg: None,
            prefix,
            rows: Vec::new(),
        }
    }

    pub fn into_rows(self) -> Vec<Row> {
        self.rows
    }

    fn add<F, Args>(&mut self, method: Method, path: &'static str, each: &[(&str, Access)], handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            let route = match method {
                Method::Get => web::get(),
                Method::Post => web::post(),
                Method::Put => web::put(),
                Method::Delete => web::delete(),
            };
            cfg.route(path, route.to(handler));
        }
        let full = format!("{}{path}", self.prefix);
        for (name, access) in each {
            let path = if name.is_empty() {
                full.clone()
            } else {
                // The last segment is the `{…}` the names stand for.
                let cut = full.rfind('/').map_or(0, |i| i + 1);
                format!("{}{name}", &full[..cut])
            };
            self.rows.push(Row {
                method,
                path,
                access: *access,
            });
        }
        self
    }

    pub fn get<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::Get, path, &[("", access)], handler)
    }

    pub fn post<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::Post, path, &[("", access)], handler)
    }

    pub fn put<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::Put, path, &[("", access)], handler)
    }

    pub fn delete<F, Args>(&mut self, path: &'static str, access: Access, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::Delete, path, &[("", access)], handler)
    }

    /// `POST …/{action}`: one route whose last segment names an action,
    /// one row per name. The handler answers 404 to a name not listed
    /// (see [`lists`]).
    pub fn post_each<F, Args>(&mut self, path: &'static str, each: &[(&str, Access)], handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::Post, path, each, handler)
    }
}

/// Is `name` one of the actions a [`Routes::post_each`] route lists?
pub fn lists(each: &[(&str, Access)], name: &str) -> bool {
    each.iter().any(|(n, _)| *n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_one_row() {
        let rows = super::super::table();
        assert!(rows.len() > 90, "{} rows", rows.len());
        let mut seen = std::collections::HashSet::new();
        for r in &rows {
            assert!(r.path.starts_with('/'), "{r:?}");
            assert!(seen.insert((r.method, r.path.clone())), "twice: {r:?}");
        }
        let act = rows
            .iter()
            .find(|r| r.path == "/api/v1/requests/{id}/dispatch")
            .map(|r| r.access);
        assert_eq!(act, Some(Access::AdminOf));
        assert!(rows.iter().any(|r| r.path == "/healthz"));
    }

    /// Routes go through [`Routes`] only: no `cfg.route(…)` or
    /// `web::resource(…)` anywhere else in the crate (the web UI's static
    /// files in `home.rs` are not API routes).
    #[test]
    fn no_route_is_registered_around_the_table() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("src readable").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 50);
        let allowed = ["routes/table.rs", "routes/home.rs"];
        for f in files {
            let shown = f.display().to_string();
            if allowed.iter().any(|a| shown.ends_with(a)) {
                continue;
            }
            let src = std::fs::read_to_string(&f).expect("readable");
            for needle in [
                ".route(",
                "web::resource(",
                "web::get()",
                "web::post()",
                "web::put()",
                "web::delete()",
                "web::patch()",
                "web::method(",
            ] {
                assert!(
                    !src.contains(needle),
                    "{shown} registers a route around the table: {needle}"
                );
            }
        }
    }
}
