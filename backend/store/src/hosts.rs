//! Hosts added at runtime (configured hosts live in the configuration, not here).

use rusqlite::{Connection, params};
use shared::GuestNetwork;

use super::{Store, StoreError, conflict_on_unique};

/// A host an admin added: what the pool needs to connect to it again after a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedHost {
    pub name: String,
    pub uri: String,
    pub guest_network: GuestNetwork,
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<AddedHost>, StoreError> {
    let mut stmt = conn.prepare("SELECT name, uri, guest_network FROM hosts ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        let network: String = r.get(2)?;
        Ok(AddedHost {
            name: r.get(0)?,
            uri: r.get(1)?,
            // Only the two names are ever written; anything else reads as the safe one.
            guest_network: match network.as_str() {
                "outbound" => GuestNetwork::Outbound,
                _ => GuestNetwork::Isolated,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn insert(conn: &Connection, host: &AddedHost) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO hosts (name, uri, guest_network) VALUES (?1, ?2, ?3)",
        params![host.name, host.uri, host.guest_network.name()],
    )
    .map_err(conflict_on_unique)?;
    Ok(())
}

pub(crate) fn delete(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM hosts WHERE name = ?1", [name])? > 0)
}

/// Hosts added at runtime.
pub struct Hosts<'a>(pub(crate) &'a Store);

impl Hosts<'_> {
    pub async fn list(&self) -> Result<Vec<AddedHost>, StoreError> {
        self.0.run(|c| list(c)).await
    }

    pub async fn insert(&self, host: &AddedHost) -> Result<(), StoreError> {
        let host = host.clone();
        self.0.run(move |c| insert(c, &host)).await
    }

    pub async fn delete(&self, name: &str) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.0.run(move |c| delete(c, &name)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_keeps_what_its_guests_may_reach() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::apply(&mut conn).unwrap();
        for (name, guest_network) in [("a", GuestNetwork::Outbound), ("b", GuestNetwork::Isolated)]
        {
            let host = AddedHost {
                name: name.into(),
                uri: "test:///default".into(),
                guest_network,
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
