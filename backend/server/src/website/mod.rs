//! A VM's own website, served on an origin of its own (`http://UUID.vm.APPS_DOMAIN:PORT/`),
//! never Ezilla's: the guest's pages cannot call Ezilla's API with the user's cookie, which
//! the browser never sends them. The desktop asks `POST /api/v1/vms/{id}/website` for a
//! one-time entry URL; the entry sets a cookie of the VM's origin, and every request on that
//! origin with it is proxied to the port Ezilla forwards to the guest's port 80, WebSockets
//! included, for the VM's owner and admins only.

mod grants;
mod pages;
mod proxy;

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
pub use grants::{Grant, Grants};

use crate::state::AppState;

/// The cookie of a VM's origin that carries its site session.
pub const COOKIE: &str = "ezilla_site";
/// The path of a site's entry, where a one-time token becomes the cookie.
pub const ENTRY: &str = "/.ezilla/enter";

/// The VM whose website a `Host` header names (`UUID.vm.APPS_DOMAIN[:PORT]`), if any.
pub fn vm_of_host(host: &str, apps_domain: &str) -> Option<String> {
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let uuid = name.strip_suffix(apps_domain)?.strip_suffix(".vm.")?;
    let plain = uuid.len() == 36 && uuid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    plain.then(|| uuid.to_ascii_lowercase())
}

/// The entry URL of VM `uuid`'s website for `token`, on the port and scheme the API call
/// came in on.
pub fn entry_url(headers: &HeaderMap, apps_domain: &str, uuid: &str, token: &str) -> String {
    let port = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, port)| format!(":{port}"))
        .unwrap_or_default();
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{uuid}.vm.{apps_domain}{port}{ENTRY}?token={token}")
}

/// In front of the whole app: a request to a VM's origin is the website's, never the app's.
pub async fn dispatch(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    match vm_of_host(host, &state.sites.apps_domain) {
        Some(vm) => serve(&state, vm, req).await,
        None => next.run(req).await,
    }
}

async fn serve(state: &AppState, vm: String, req: Request) -> Response {
    if req.uri().path() == ENTRY {
        return enter(state, &vm, &req);
    }
    let site_cookie = crate::auth::session::cookie(req.headers(), COOKIE);
    let Some(grant) = site_cookie.and_then(|c| state.sites.grants.session(&c)) else {
        return pages::page(
            StatusCode::UNAUTHORIZED,
            "Open this website from your Ezilla desktop.",
        );
    };
    if grant.vm != vm {
        return pages::page(
            StatusCode::UNAUTHORIZED,
            "Open this website from your Ezilla desktop.",
        );
    }
    let Some((host, row)) = state.pool.find_vm(&vm) else {
        return pages::page(StatusCode::NOT_FOUND, "This VM no longer exists.");
    };
    if !grant.admin && row.owner.as_deref() != Some(grant.username.as_str()) {
        return pages::page(StatusCode::NOT_FOUND, "This VM no longer exists.");
    }
    if row.id.is_none() {
        return pages::page(
            StatusCode::SERVICE_UNAVAILABLE,
            "The VM is not running: start it, then reload.",
        );
    }
    let Some(port) = row.http_port else {
        return pages::page(StatusCode::NOT_FOUND, "This VM has no website port.");
    };
    drop(host);
    let stream = state.pool.connect_forwarded(&vm, port).await.ok();
    proxy::forward(req, stream).await
}

/// The entry: a valid one-time token for this VM becomes the site's cookie.
fn enter(state: &AppState, vm: &str, req: &Request) -> Response {
    let token = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")))
        .unwrap_or_default();
    let grant = state.sites.grants.redeem(token).filter(|g| g.vm == vm);
    let Some(cookie) = grant.and_then(|g| state.sites.grants.open_session(g)) else {
        return pages::page(
            StatusCode::UNAUTHORIZED,
            "This link was used or is too old: open the website from your Ezilla desktop again.",
        );
    };
    let set = format!("{COOKIE}={cookie}; {}", cookie_attributes(in_frame(req)));
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(value) = HeaderValue::from_str(&set) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Whether the entry was opened in the desktop's website window (`&frame=1`).
fn in_frame(req: &Request) -> bool {
    req.uri()
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv == "frame=1"))
}

/// The site cookie's attributes. A tab of its own (the VM's origin at the top) gets a `Lax`
/// cookie. A frame in the desktop is on another site than the page it is in, where a browser
/// keeps only `SameSite=None` cookies, which must be `Secure` (browsers take that on http
/// from `localhost` and its subdomains too); `Partitioned` keeps it for frames in the page
/// that opened it alone (under the desktop's site, CHIPS), so no other site's page that frames
/// or posts to the VM's origin carries it.
fn cookie_attributes(in_frame: bool) -> &'static str {
    match in_frame {
        false => "Path=/; HttpOnly; SameSite=Lax",
        true => "Path=/; HttpOnly; Secure; SameSite=None; Partitioned",
    }
}

/// The websites' state: their domain and who may see which.
pub struct Sites {
    pub apps_domain: String,
    pub grants: Grants,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_vms_origin_is_a_website() {
        let uuid = "a11ce000-0000-4000-8000-0000000000f1";
        let host = format!("{uuid}.vm.localhost:8080");
        assert_eq!(vm_of_host(&host, "localhost").as_deref(), Some(uuid));
        assert_eq!(
            vm_of_host(&format!("{uuid}.vm.localhost"), "localhost").as_deref(),
            Some(uuid)
        );
        for other in [
            "127.0.0.1:8080",
            "localhost:8080",
            "x.vm.localhost",
            &format!("{uuid}.vm.evil.test"),
        ] {
            assert_eq!(vm_of_host(other, "localhost"), None, "{other}");
        }
    }
}
