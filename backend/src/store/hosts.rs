//! Hosts added at runtime (configured hosts live in the configuration, not here).

use rusqlite::{Connection, params};
use shared::GuestNetwork;

use super::{StoreError, conflict_on_unique};
use crate::config::HostSpec;

pub fn list(conn: &Connection) -> Result<Vec<HostSpec>, StoreError> {
    let mut stmt = conn.prepare("SELECT name, uri, guest_network FROM hosts ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        let network: String = r.get(2)?;
        Ok(HostSpec {
            name: r.get(0)?,
            uri: r.get(1)?,
            // Only the two names are ever written; anything else reads as the safe one.
            guest_network: match network.as_str() {
                "outbound" => GuestNetwork::Outbound,
                _ => GuestNetwork::Isolated,
            },
            vcpu_overcommit: None,
            memory_overcommit: None,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert(conn: &Connection, host: &HostSpec) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO hosts (name, uri, guest_network) VALUES (?1, ?2, ?3)",
        params![host.name, host.uri, host.guest_network.name()],
    )
    .map_err(conflict_on_unique)?;
    Ok(())
}

pub fn delete(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM hosts WHERE name = ?1", [name])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_keeps_what_its_guests_may_reach() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::apply(&mut conn).unwrap();
        for (name, guest_network) in [("a", GuestNetwork::Outbound), ("b", GuestNetwork::Isolated)]
        {
            let host = HostSpec {
                name: name.into(),
                uri: "test:///default".into(),
                guest_network,
                vcpu_overcommit: None,
                memory_overcommit: None,
            };
            insert(&conn, &host).unwrap();
        }
        let networks: Vec<_> = list(&conn)
            .unwrap()
            .into_iter()
            .map(|h| h.guest_network)
            .collect();
        assert_eq!(networks, [GuestNetwork::Outbound, GuestNetwork::Isolated]);
    }
}
