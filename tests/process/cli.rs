//! `ezilla user add | passwd | list | delete | set-quota` on the server's database.

use std::{
    io::Write,
    process::{Output, Stdio},
};

use super::ezilla;

/// Runs `ezilla ARGS` with `stdin` as standard input.
fn run(data: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = ezilla(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn account_commands_work_on_the_database() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    stdout(&run(dir, &["user", "add", "alice"], "alice-password\n"));
    let generated = stdout(&run(dir, &["user", "add", "boss", "--admin"], ""));
    assert!(
        generated.contains("password: "),
        "a password is generated on empty input"
    );
    stdout(&run(
        dir,
        &[
            "user",
            "set-quota",
            "alice",
            "--max-vms",
            "2",
            "--max-memory-mib",
            "1024",
        ],
        "",
    ));

    let list = stdout(&run(dir, &["user", "list"], ""));
    let alice = list
        .lines()
        .find(|l| l.starts_with("alice"))
        .expect("alice listed");
    let cols: Vec<_> = alice.split_whitespace().collect();
    assert_eq!(cols, ["alice", "user", "en", "2", "8", "1024", "100"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("boss ") && l.contains("admin"))
    );

    let duplicate = run(dir, &["user", "add", "alice"], "another-password\n");
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("exists already"));
    let short = run(dir, &["user", "passwd", "alice"], "short\n");
    assert!(!short.status.success(), "too short a password is refused");

    stdout(&run(dir, &["user", "passwd", "alice"], "a-new-password\n"));
    stdout(&run(dir, &["user", "delete", "alice"], ""));
    assert!(!stdout(&run(dir, &["user", "list"], "")).contains("alice"));
    assert!(!run(dir, &["user", "delete", "alice"], "").status.success());
}

/// `ezilla user passwd` on the running server's database ends the user's sessions at once,
/// though the server had the session in its cache.
#[tokio::test]
async fn a_password_reset_on_the_command_line_ends_sessions_at_once() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_owned();
    stdout(&run(&dir, &["user", "add", "alice"], "alice-password\n"));
    let served = super::Served::start(&dir).await;
    let alice = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login =
        serde_json::json!({"username": "alice", "password": "alice-password", "language": "en"});
    let answer = alice
        .post(format!("{}/api/v1/auth/login", served.base))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let me = format!("{}/api/v1/me", served.base);
    assert_eq!(
        alice.get(&me).send().await.unwrap().status(),
        200,
        "cached now"
    );
    let reset = tokio::task::spawn_blocking(move || {
        run(&dir, &["user", "passwd", "alice"], "a-new-password\n")
    });
    stdout(&reset.await.unwrap());
    // Well within the cache's 5 s.
    testkit::eventually(
        "the session to end",
        std::time::Duration::from_secs(1),
        || async { (alice.get(&me).send().await.unwrap().status() == 401).then_some(()) },
    )
    .await;
}

/// `ezilla user delete --delete-vms | --hand-over NAME` reaches the configured hosts (here the
/// test driver, where the user has no VMs) and then deletes the user; a missing heir is refused.
#[test]
fn deleting_a_user_on_the_command_line_says_what_becomes_of_their_vms() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    stdout(&run(dir, &["user", "add", "alice"], "alice-password\n"));
    stdout(&run(dir, &["user", "add", "bob"], "bob-password\n"));
    let refused = run(
        dir,
        &["user", "delete", "alice", "--hand-over", "nobody"],
        "",
    );
    assert!(!refused.status.success());
    let out = stdout(&run(
        dir,
        &["user", "delete", "alice", "--hand-over", "bob"],
        "",
    ));
    assert!(out.contains("0 VMs of alice"), "{out}");
    let out = stdout(&run(dir, &["user", "delete", "bob", "--delete-vms"], ""));
    assert!(out.contains("deleted bob"), "{out}");
    let listed = stdout(&run(dir, &["user", "list"], ""));
    assert!(
        !listed.contains("alice") && !listed.contains("bob"),
        "{listed}"
    );
}
