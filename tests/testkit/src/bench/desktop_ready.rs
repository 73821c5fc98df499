//! The desktop's time budget in real headless Chromium on loopback: how long from submitting
//! the login form to the first frame of the user's own desktop (Performance API marks set by
//! the frontend, `frontend/src/timing.rs`), and from a page load with a session to that frame
//! (WASM fetched and compiled from the browser's cache). Checked: every login and every load
//! reaches the desktop and sets both marks. Bounded: a fixed number of logins, then it stops.
//! Needs the frontend's release build (`trunk build --release`).

use serde_json::Value;
use shared::Role;

use super::{Mode, quantile};
use crate::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{PASSWORD, TestServer},
};

/// The budget of issue 5.
const READY_BUDGET_MS: f64 = 500.0;

const LOGIN_TO_READY: &str = r#"
    const at = name => performance.getEntriesByName(name)[0]?.startTime;
    const submitted = at('ezilla:login-submitted'), ready = at('ezilla:desktop-ready');
    return submitted !== undefined && ready !== undefined ? ready - submitted : null;
"#;
const LOAD_TO_READY: &str = r#"
    return performance.getEntriesByName('ezilla:desktop-ready')[0]?.startTime ?? null;
"#;

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    let (logins, reloads) = mode.pick((20, 20), (2, 2));
    let server = TestServer::with_frontend(&[("local", "test:///default")]).await;
    server.add_user("bench", Role::User);
    let browser = Browser::start().await;

    let mut after_login = Vec::with_capacity(logins);
    for _ in 0..logins {
        browser.client.delete_all_cookies().await.unwrap();
        browser.client.goto(&server.url("/")).await.unwrap();
        browser.login(&server.url("/"), "bench", PASSWORD).await;
        after_login.push(measured(&browser, LOGIN_TO_READY).await);
    }
    let mut after_load = Vec::with_capacity(reloads);
    for _ in 0..reloads {
        browser.client.refresh().await.unwrap();
        after_load.push(measured(&browser, LOAD_TO_READY).await);
    }
    browser.close().await;

    println!("desktop ready, in Chromium on loopback (test driver host):");
    report("login submitted -> desktop ready", &after_login);
    report("page load with a session -> desktop ready", &after_load);
}

/// Waits for the page's ready mark and returns what `script` computes from the marks, in ms.
async fn measured(browser: &Browser, script: &str) -> f64 {
    eventually("the desktop-ready mark", PATIENCE, || async {
        let value: Value = browser.client.execute(script, vec![]).await.ok()?;
        value.as_f64()
    })
    .await
}

fn report(what: &str, samples: &[f64]) {
    let p95 = quantile(samples, 0.95);
    println!(
        "  {what}: p50 {:.1} ms, p95 {p95:.1} ms, max {:.1} ms over {} runs (budget {READY_BUDGET_MS} ms){}",
        quantile(samples, 0.5),
        quantile(samples, 1.0),
        samples.len(),
        if p95 <= READY_BUDGET_MS {
            ""
        } else {
            "  OVER BUDGET"
        }
    );
}
