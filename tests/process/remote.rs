//! `ezilla remote login`, `ezilla vm ...` and `ezilla template list` as a user runs them: the
//! binary against a real server on the test driver, its login kept in a config folder of
//! its own.

use std::{os::unix::fs::PermissionsExt, path::Path, process::Output};

use serde_json::Value;
use shared::Role;
use tokio::io::AsyncWriteExt;

use super::ezilla_binary;
use testkit::server::{PASSWORD, TestServer};

/// Runs `ezilla ARGS` with `config` as its config folder, `stdin` as its input and `env`.
pub async fn cli(config: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = tokio::process::Command::new(ezilla_binary())
        .env_clear()
        .env("XDG_CONFIG_HOME", config)
        .envs(env.iter().copied())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}

/// Standard output of a command that must succeed.
pub fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The row of `name` in a table, split into its cells.
fn row<'a>(table: &'a str, name: &str) -> Option<Vec<&'a str>> {
    table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&name))
}

#[tokio::test]
async fn a_user_logs_in_and_creates_lists_starts_and_deletes_vms() {
    let server = TestServer::pool_of_three(false).await;
    let config = tempfile::tempdir().unwrap();
    let dir = config.path();
    let url = server.url("");

    // Alice reads her desktop in Chinese; logging in from the command line leaves it so.
    let session = server.login("alice").await;
    let language = serde_json::json!({"language": "zh-TW"});
    let (status, _) = session
        .send(reqwest::Method::PUT, "/api/v1/me/language", Some(language))
        .await;
    assert_eq!(status, 200);
    // Username on the command line, the password on standard input (no terminal here).
    let login = ok(&cli(
        dir,
        &["remote", "login", &url, "--username", "alice"],
        &format!("{PASSWORD}\n"),
        &[],
    )
    .await);
    assert!(login.contains("as alice"), "{login}");
    let stored = dir.join("ezilla/remote.toml");
    let mode = std::fs::metadata(&stored).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the token file is the user's alone");
    let text = std::fs::read_to_string(&stored).unwrap();
    assert!(
        text.contains("token = \"ezilla_") && text.contains(&url),
        "{text}"
    );
    // The password made a write token and the session ended.
    let (_, tokens) = session.get("/api/v1/me/tokens").await;
    assert_eq!(tokens[0]["scope"], "write", "{tokens}");
    assert_eq!(session.get("/api/v1/me").await.1["language"], "zh-TW");

    let templates = ok(&cli(dir, &["template", "list"], "", &[]).await);
    assert!(row(&templates, "demo").is_some(), "{templates}");

    let created = ok(&cli(
        dir,
        &["vm", "create", "cli-web", "--template", "demo"],
        "",
        &[],
    )
    .await);
    assert_eq!(row(&created, "cli-web").unwrap()[1], "running", "{created}");
    let listed = ok(&cli(dir, &["vm", "list"], "", &[]).await);
    assert!(listed.starts_with("NAME"), "{listed}");
    assert_eq!(row(&listed, "cli-web").unwrap()[5], "alice", "{listed}");

    ok(&cli(dir, &["vm", "poweroff", "cli-web"], "", &[]).await);
    let json: Value = serde_json::from_str(&ok(&cli(
        dir,
        &["vm", "show", "cli-web", "--json"],
        "",
        &[],
    )
    .await))
    .unwrap();
    assert_eq!(json["state"], "shutoff");
    ok(&cli(dir, &["vm", "start", "cli-web"], "", &[]).await);
    let list: Value =
        serde_json::from_str(&ok(&cli(dir, &["vm", "list", "--json"], "", &[]).await)).unwrap();
    let vm = &list["vms"].as_array().unwrap()[0];
    assert_eq!(
        (vm["name"].as_str(), vm["state"].as_str()),
        (Some("cli-web"), Some("running"))
    );

    // A second start is refused with the API's code and message: exit code 6.
    let again = cli(dir, &["vm", "start", "cli-web"], "", &[]).await;
    assert_eq!(again.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&again.stderr).contains("current state"));

    ok(&cli(dir, &["vm", "delete", "cli-web", "--disks"], "", &[]).await);
    let gone = cli(dir, &["vm", "show", "cli-web"], "", &[]).await;
    assert_eq!(gone.status.code(), Some(5), "not found");
    let listed = ok(&cli(dir, &["vm", "list"], "", &[]).await);
    assert!(row(&listed, "cli-web").is_none(), "{listed}");

    ok(&cli(dir, &["remote", "logout"], "", &[]).await);
    assert!(!stored.exists());
    assert_eq!(
        cli(dir, &["vm", "list"], "", &[]).await.status.code(),
        Some(3)
    );
}

#[tokio::test]
async fn bad_tokens_wrong_passwords_and_read_tokens_have_their_exit_codes() {
    let server = TestServer::pool_of_three(false).await;
    server.add_user("bob", Role::User);
    let config = tempfile::tempdir().unwrap();
    let dir = config.path();
    let url = server.url("");
    let bad = format!("ezilla_{}", "0".repeat(64));

    let refused = cli(dir, &["remote", "login", &url, "--token", &bad], "", &[]).await;
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !dir.join("ezilla/remote.toml").exists(),
        "a refused token is not stored"
    );
    let wrong = cli(
        dir,
        &["remote", "login", &url, "--username", "alice"],
        "wrong password\n",
        &[],
    )
    .await;
    assert_eq!(wrong.status.code(), Some(3));
    let env = [
        ("EZILLA_REMOTE_URL", url.as_str()),
        ("EZILLA_REMOTE_TOKEN", bad.as_str()),
    ];
    assert_eq!(
        cli(dir, &["vm", "list"], "", &env).await.status.code(),
        Some(3)
    );

    // A read token lists, and may not create: exit code 4 (forbidden).
    let read = server.token("alice", "read").await;
    ok(&cli(dir, &["remote", "login", &url, "--token", &read], "", &[]).await);
    ok(&cli(dir, &["vm", "list"], "", &[]).await);
    let create = cli(
        dir,
        &["vm", "create", "nope", "--template", "demo"],
        "",
        &[],
    )
    .await;
    assert_eq!(create.status.code(), Some(4));

    // Bob's VM is no VM of alice's: exit code 5.
    let bobs = server.with_token(&server.token("bob", "write").await);
    let (status, vm) = bobs
        .send(
            reqwest::Method::POST,
            "/api/v1/vms",
            Some(serde_json::json!({"name": "bobs", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    let uuid = vm["uuid"].as_str().unwrap();
    assert_eq!(
        cli(dir, &["vm", "show", uuid], "", &[]).await.status.code(),
        Some(5)
    );
    assert_eq!(
        cli(dir, &["vm", "show", "bobs"], "", &[])
            .await
            .status
            .code(),
        Some(5)
    );
    // A server that is not there: exit code 8.
    let env = [("EZILLA_REMOTE_URL", "http://127.0.0.1:9")];
    assert_eq!(
        cli(dir, &["vm", "list"], "", &env).await.status.code(),
        Some(8)
    );
}

#[tokio::test]
async fn completions_come_from_the_same_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let script = ok(&cli(dir.path(), &["completions", "bash"], "", &[]).await);
    for word in ["remote", "save-image", "console", "--json"] {
        assert!(script.contains(word), "{word} in the bash completions");
    }
}
