//! `kill -9` in the middle of a burst of writes loses nothing that was acknowledged and
//! leaves a database that opens and passes SQLite's integrity check.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::json;

use super::{Served, admin_client};
use testkit::eventually;

/// Writers in parallel, and the most requests each sends; the burst stops by itself.
const WRITERS: usize = 4;
const MAX_PER_WRITER: usize = 100;
/// Acknowledged writes to wait for before the kill.
const KILL_AFTER: usize = 24;

#[tokio::test]
async fn kill_9_during_a_write_burst_loses_no_acknowledged_write() {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start(data.path()).await;
    let client = admin_client(&served.base, data.path()).await;
    let mode = std::fs::metadata(data.path().join("admin-password"))
        .unwrap()
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600,
        "the first admin password is for root's eyes only"
    );

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, base, acked) = (client.clone(), served.base.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0..MAX_PER_WRITER {
                    let name = format!("w{w}-{n}");
                    let body =
                        json!({"username": name, "password": "burst-password", "role": "user"});
                    match client
                        .post(format!("{base}/api/v1/admin/users"))
                        .json(&body)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 201 => acked.lock().unwrap().push(name),
                        _ => return,
                    }
                }
            })
        })
        .collect();

    eventually(
        "enough acknowledged writes",
        Duration::from_secs(60),
        || async { (acknowledged.lock().unwrap().len() >= KILL_AFTER).then_some(()) },
    )
    .await;
    served.child.kill().expect("SIGKILL");
    served.child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let integrity = store::Store::open(&data.path().join("ezilla.sqlite"))
        .expect("the database opens after kill -9")
        .integrity_check()
        .await
        .unwrap();
    assert_eq!(integrity, "ok");

    let served = Served::start(data.path()).await;
    let client = admin_client(&served.base, data.path()).await;
    let users: serde_json::Value = client
        .get(format!("{}/api/v1/admin/users", served.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let present: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|n| !present.contains(&n.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after kill -9: {lost:?}"
    );
    assert!(acknowledged.len() >= KILL_AFTER);
}
