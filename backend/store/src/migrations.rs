//! Schema migrations, applied in order at open; `PRAGMA user_version` records how far.

use rusqlite::Connection;

/// Each entry moves the schema one version up. Never edit one that has shipped; add another.
const MIGRATIONS: &[&str] = &[
    // 1: users and their sessions.
    "CREATE TABLE users (
        id             INTEGER PRIMARY KEY,
        username       TEXT NOT NULL UNIQUE,
        password_hash  TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        language       TEXT NOT NULL DEFAULT 'en',
        max_vms        INTEGER NOT NULL,
        max_vcpus      INTEGER NOT NULL,
        max_memory_mib INTEGER NOT NULL,
        max_disk_gib   INTEGER NOT NULL,
        created_at     INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash   BLOB PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_user ON sessions(user_id);",
    // 2: the template catalogue, and hosts added at runtime.
    "CREATE TABLE templates (
        name         TEXT PRIMARY KEY,
        os           TEXT NOT NULL,
        storage_pool TEXT NOT NULL,
        volume       TEXT NOT NULL,
        cores        INTEGER NOT NULL,
        memory_mib   INTEGER NOT NULL,
        disk_gib     INTEGER NOT NULL,
        kernel_boot  TEXT
    );
    CREATE TABLE hosts (
        name TEXT PRIMARY KEY,
        uri  TEXT NOT NULL
    );",
    // 3: each user's desktop, versioned for optimistic concurrency.
    "CREATE TABLE desktops (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        state   TEXT NOT NULL
    );",
    // 4: what the guests of a host added at runtime may reach.
    "ALTER TABLE hosts ADD COLUMN guest_network TEXT NOT NULL DEFAULT 'isolated';",
    // 5: saved images are private to their maker (owner_id) until an admin publishes them
    // (owner_id NULL: the shared catalogue). Names are unique among the shared templates and
    // among each user's own images, not across them.
    "CREATE TABLE templates_v5 (
        name         TEXT NOT NULL,
        owner_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
        os           TEXT NOT NULL,
        storage_pool TEXT NOT NULL,
        volume       TEXT NOT NULL,
        cores        INTEGER NOT NULL,
        memory_mib   INTEGER NOT NULL,
        disk_gib     INTEGER NOT NULL,
        kernel_boot  TEXT
    );
    INSERT INTO templates_v5 (name, os, storage_pool, volume, cores, memory_mib, disk_gib,
        kernel_boot)
        SELECT name, os, storage_pool, volume, cores, memory_mib, disk_gib, kernel_boot
        FROM templates;
    DROP TABLE templates;
    ALTER TABLE templates_v5 RENAME TO templates;
    CREATE UNIQUE INDEX shared_template_names ON templates(name) WHERE owner_id IS NULL;
    CREATE UNIQUE INDEX own_image_names ON templates(owner_id, name)
        WHERE owner_id IS NOT NULL;",
    // 6: a stable id per user, never reused (unlike the row id): VMs name their owner by it,
    // so a later user of the same name never inherits them.
    "ALTER TABLE users ADD COLUMN uid TEXT;
    UPDATE users SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX users_by_uid ON users(uid);",
    // 7: users' SSH public keys.
    "CREATE TABLE ssh_keys (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        public_key  TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        UNIQUE (user_id, fingerprint)
    );",
    // 8: templates whose guests take a cloud-init seed.
    "ALTER TABLE templates ADD COLUMN cloud_init INTEGER NOT NULL DEFAULT 0;",
    // 9: the server's own SSH key per user (its private half sealed by the vault), and the
    // host key each VM's SSH server showed first.
    "CREATE TABLE ssh_identities (
        user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        public_key TEXT NOT NULL,
        sealed     BLOB NOT NULL
    );
    CREATE TABLE vm_host_keys (
        vm_uuid  TEXT PRIMARY KEY,
        host_key TEXT NOT NULL,
        seen_at  INTEGER NOT NULL
    );",
    // 10: personal access tokens (only a hash of each secret).
    "CREATE TABLE access_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   BLOB NOT NULL UNIQUE,
        scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        last_used_at INTEGER
    );
    CREATE INDEX access_tokens_by_user ON access_tokens(user_id);",
    // 11: the ISO library; a row is made before its upload (so it counts in the quota while
    // it runs) and marked complete, with its SHA-256, after.
    "CREATE TABLE isos (
        id           INTEGER PRIMARY KEY,
        owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        host         TEXT NOT NULL,
        storage_pool TEXT NOT NULL,
        volume       TEXT NOT NULL,
        path         TEXT NOT NULL DEFAULT '',
        bytes        INTEGER NOT NULL,
        sha256       TEXT NOT NULL DEFAULT '',
        public       INTEGER NOT NULL DEFAULT 0,
        complete     INTEGER NOT NULL DEFAULT 0,
        UNIQUE (owner_id, name)
    );",
];

pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applying_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }
}
