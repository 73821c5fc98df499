//! Schemathesis (PyPI, pinned by scripts/install.sh) against the server on the test driver,
//! every operation of the OpenAPI document, with a user's token and then an admin's: no 5xx,
//! every answer as documented (status, media type, schema, headers), every operation refusing
//! a request without credentials, and no answer to the user naming another user's VM (a check
//! of ours, tests/schemathesis/ezilla_hooks.py), also when every VM route is asked about
//! another user's VM. Bounded: a fixed seed, 20 examples per operation, one worker, 30 s per
//! request, 4 minutes a run.
//!
//! `POST /api/v1/admin/hosts` is left out: it connects to whatever libvirt URI it is given,
//! and the tests reach nothing beyond 127.0.0.0/8.

use std::{path::PathBuf, process::Output, time::Duration};

use super::{
    authz::{ALICE_VM, BOB_VM, server},
    openapi::api_tool,
};
use testkit::server::TestServer;

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
    response_schema_conformance,response_headers_conformance,ignored_auth,no_other_users_vm";
const UNOWNED_VM: &str = "00000000-0000-4000-8000-000000000003";

/// How a run is narrowed.
#[derive(Default)]
struct Focus<'a> {
    /// Only the operations of this path.
    path: Option<&'a str>,
    /// Every `{id}` is this VM's, and only `{id}` routes are run; none may succeed.
    vm: Option<&'a str>,
}

/// Runs Schemathesis with `token`; `forbidden`: words no answer may contain.
async fn schemathesis(
    server: &TestServer,
    token: &str,
    forbidden: &[&str],
    focus: Focus<'_>,
) -> Output {
    let hooks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemathesis");
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("schemathesis.toml");
    let parameters = match focus.vm {
        Some(vm) => format!("[parameters]\n\"path.id\" = \"{vm}\"\n"),
        None => String::new(),
    };
    std::fs::write(&config, parameters).unwrap();
    let mut command = tokio::process::Command::new(api_tool("st"));
    command
        .current_dir(scratch.path())
        .arg("--config-file")
        .arg(&config)
        .env("PYTHONPATH", &hooks)
        .env("SCHEMATHESIS_HOOKS", "ezilla_hooks")
        .env("EZILLA_FORBIDDEN", forbidden.join(","))
        .arg("run")
        .arg(server.url(shared::routes::OPENAPI))
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            CHECKS,
            "--max-examples",
            "20",
            "--seed",
            "1",
            "--workers",
            "1",
        ])
        .args([
            "--request-timeout",
            "30",
            "--generation-database",
            "none",
            "--no-color",
        ])
        .args(["--exclude-path", "/api/v1/admin/hosts"])
        .kill_on_drop(true);
    if let Some(path) = focus.path {
        command.args(["--include-path", path]);
    }
    if focus.vm.is_some() {
        command.args(["--include-path-regex", r"\{id\}"]);
        command.env("EZILLA_NEVER_SUCCEED", "1");
    }
    tokio::time::timeout(Duration::from_secs(240), command.output())
        .await
        .expect("Schemathesis within 4 minutes")
        .unwrap()
}

fn report(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_5xx_no_undocumented_answer_and_no_leak() {
    let server = server().await;
    // Alice's token first (the admin's run may delete her).
    let alice = server.token("alice", "write").await;
    let theirs = [BOB_VM, "bob-db", UNOWNED_VM];
    let run = schemathesis(&server, &alice, &theirs, Focus::default()).await;
    assert!(run.status.success(), "alice:\n{}", report(&run));
    let bobs = Focus {
        vm: Some(BOB_VM),
        ..Focus::default()
    };
    let run = schemathesis(&server, &alice, &theirs, bobs).await;
    assert!(run.status.success(), "alice on bob's VM:\n{}", report(&run));
    let root = server.token("root", "write").await;
    let run = schemathesis(&server, &root, &[], Focus::default()).await;
    assert!(
        run.status.success(),
        "with the admin's token:\n{}",
        report(&run)
    );
}

/// The leak checks can fail: an admin sees bob's VM, so "bob's VM is forbidden" fails; and
/// alice's own VM answers her, so "no VM route may succeed" fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leak_check_catches_a_leak() {
    let server = server().await;
    let root = server.token("root", "read").await;
    let vms = Focus {
        path: Some("/api/v1/vms"),
        ..Focus::default()
    };
    let run = schemathesis(&server, &root, &[BOB_VM], vms).await;
    assert!(!run.status.success(), "{}", report(&run));
    assert!(
        report(&run).contains("another user's VM"),
        "{}",
        report(&run)
    );
    let alice = server.token("alice", "read").await;
    let hers = Focus {
        vm: Some(ALICE_VM),
        path: None,
    };
    let run = schemathesis(&server, &alice, &[], hers).await;
    assert!(!run.status.success(), "{}", report(&run));
}

/// What Schemathesis found first: a socket asked without the upgrade, and a task id that is
/// no number, answered in plain text instead of the API's error body.
#[tokio::test]
async fn malformed_requests_get_the_error_body() {
    let server = server().await;
    let alice = server.with_token(&server.token("alice", "read").await);
    let (status, body) = alice.get(shared::routes::EVENTS).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    let (status, body) = alice.get("/api/v1/tasks/not-a-number").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}
