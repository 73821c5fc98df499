//! Forwards one request to the guest's web server through the port its host forwards on
//! 127.0.0.1 (directly here, through the host's SSH on a `qemu+ssh` host), HTTP/1.1,
//! WebSocket upgrades passed through. Ezilla's cookies are taken out;
//! the guest sees the browser's own request otherwise. Bounded: the connection and the
//! answer's headers each have a time limit; bodies stream through.

use std::time::Duration;

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use hyper_util::rt::TokioIo;

use super::{COOKIE, pages::page};
use hypervisor::ByteStream;
/// How long the guest may take to start answering.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// The guest's answer to `req` over `stream` (to its forwarded HTTP port, or `None` when that
/// could not be reached), or a page that says why there is none.
pub async fn forward(mut req: Request, stream: Option<Box<dyn ByteStream>>) -> Response {
    let nothing = || {
        page(
            StatusCode::BAD_GATEWAY,
            "Nothing answers on the VM's port 80 (is its web server running?).",
        )
    };
    let Some(stream) = stream else {
        return nothing();
    };
    let Ok((mut sender, conn)) =
        hyper::client::conn::http1::handshake::<_, Body>(TokioIo::new(stream)).await
    else {
        return nothing();
    };
    tokio::spawn(async move {
        let _ = conn.with_upgrades().await;
    });
    let client_upgrade = req
        .headers()
        .contains_key(header::UPGRADE)
        .then(|| hyper::upgrade::on(&mut req));
    strip_ezilla_cookies(req.headers_mut());
    let answer = match tokio::time::timeout(ANSWER_TIMEOUT, sender.send_request(req)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => return nothing(),
        Err(_) => {
            return page(
                StatusCode::GATEWAY_TIMEOUT,
                "The VM's web server did not answer in time.",
            );
        }
    };
    let (parts, body) = answer.into_parts();
    let mut answer = Response::from_parts(parts, Body::new(body));
    if answer.status() == StatusCode::SWITCHING_PROTOCOLS {
        let Some(client) = client_upgrade else {
            return nothing();
        };
        let guest = hyper::upgrade::on(&mut answer);
        tokio::spawn(async move {
            if let (Ok(client), Ok(guest)) = (client.await, guest.await) {
                let (mut client, mut guest) = (TokioIo::new(client), TokioIo::new(guest));
                let _ = tokio::io::copy_bidirectional(&mut client, &mut guest).await;
            }
        });
    }
    answer.into_response()
}

/// Takes Ezilla's own cookies (the site session's, and the app's should a browser send it)
/// out of the request.
fn strip_ezilla_cookies(headers: &mut axum::http::HeaderMap) {
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(n, _)| n);
            !pair.is_empty() && name != COOKIE && name != crate::auth::session::COOKIE
        })
        .map(str::to_owned)
        .collect();
    headers.remove(header::COOKIE);
    if !kept.is_empty()
        && let Ok(value) = HeaderValue::from_str(&kept.join("; "))
    {
        headers.insert(header::COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ezillas_cookies_never_reach_the_guest() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("ezilla_site=s; theme=dark"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("ezilla_session=x"));
        strip_ezilla_cookies(&mut headers);
        assert_eq!(headers.get(header::COOKIE).unwrap(), "theme=dark");
        let mut only_ours = axum::http::HeaderMap::new();
        only_ours.append(header::COOKIE, HeaderValue::from_static("ezilla_site=s"));
        strip_ezilla_cookies(&mut only_ours);
        assert!(only_ours.get(header::COOKIE).is_none());
    }
}
