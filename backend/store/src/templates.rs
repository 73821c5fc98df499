//! The templates table: the shared catalogue (`owner_id` NULL) and users' private saved
//! images. A user sees the shared templates and their own images; a name is looked up among
//! their own images first.

use rusqlite::{Connection, OptionalExtension, Row, params};
use shared::{KernelBoot, Template, TemplateDefaults};

use super::{Store, StoreError, conflict_on_unique};

const SELECT: &str = "SELECT t.name, t.os, t.storage_pool, t.volume, t.cores, t.memory_mib,
    t.disk_gib, t.kernel_boot, u.username, t.cloud_init FROM templates t LEFT JOIN users u ON u.id = t.owner_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Template> {
    let kernel_boot: Option<String> = row.get(7)?;
    Ok(Template {
        name: row.get(0)?,
        os: row.get(1)?,
        storage_pool: row.get(2)?,
        volume: row.get(3)?,
        cores: row.get(4)?,
        memory_mib: row.get(5)?,
        disk_gib: row.get(6)?,
        kernel_boot: kernel_boot.and_then(|json| serde_json::from_str::<KernelBoot>(&json).ok()),
        owner: row.get(8)?,
        cloud_init: row.get(9)?,
    })
}

/// Whose templates a caller sees.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    /// Every template and every user's images.
    Admin,
    /// The shared templates and this user's own images.
    User(i64),
}

/// The templates `viewer` sees, shared ones first, by name.
pub(crate) fn list(conn: &Connection, viewer: Viewer) -> Result<Vec<Template>, StoreError> {
    let filter = match viewer {
        Viewer::Admin => "1",
        Viewer::User(_) => "(t.owner_id IS NULL OR t.owner_id = ?1)",
    };
    let id = match viewer {
        Viewer::Admin => -1,
        Viewer::User(id) => id,
    };
    let sql =
        format!("{SELECT} WHERE {filter} ORDER BY t.owner_id IS NOT NULL, u.username, t.name");
    let mut stmt = conn.prepare(&sql)?;
    let rows = if matches!(viewer, Viewer::Admin) {
        stmt.query_map([], from_row)?.collect::<Result<_, _>>()
    } else {
        stmt.query_map([id], from_row)?.collect::<Result<_, _>>()
    };
    Ok(rows?)
}

/// The shared template `name`.
pub(crate) fn shared(conn: &Connection, name: &str) -> Result<Option<Template>, StoreError> {
    let sql = format!("{SELECT} WHERE t.name = ?1 AND t.owner_id IS NULL");
    Ok(conn.query_row(&sql, [name], from_row).optional()?)
}

/// User `owner_id`'s own image `name`.
pub(crate) fn own(
    conn: &Connection,
    owner_id: i64,
    name: &str,
) -> Result<Option<Template>, StoreError> {
    let sql = format!("{SELECT} WHERE t.name = ?1 AND t.owner_id = ?2");
    Ok(conn
        .query_row(&sql, params![name, owner_id], from_row)
        .optional()?)
}

/// What `name` means to user `user_id`: their own image of that name, else the shared one.
/// Another user's image is never found.
pub(crate) fn for_user(
    conn: &Connection,
    user_id: i64,
    name: &str,
) -> Result<Option<Template>, StoreError> {
    match own(conn, user_id, name)? {
        Some(t) => Ok(Some(t)),
        None => shared(conn, name),
    }
}

/// GiB of disk that user `owner_id`'s own images take.
pub(crate) fn own_disk_gib(conn: &Connection, owner_id: i64) -> Result<u64, StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(disk_gib), 0) FROM templates WHERE owner_id = ?1",
        [owner_id],
        |r| r.get(0),
    )?)
}

/// Adds a template, shared (`owner_id` None) or a user's own; `Conflict` if the name is
/// taken there.
pub(crate) fn insert(
    conn: &Connection,
    t: &Template,
    owner_id: Option<i64>,
) -> Result<(), StoreError> {
    let kernel_boot = t
        .kernel_boot
        .as_ref()
        .map(|k| serde_json::to_string(k).expect("serializes"));
    conn.execute(
        "INSERT INTO templates (name, owner_id, os, storage_pool, volume, cores, memory_mib,
            disk_gib, kernel_boot, cloud_init) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            t.name,
            owner_id,
            t.os,
            t.storage_pool,
            t.volume,
            t.cores,
            t.memory_mib,
            t.disk_gib,
            kernel_boot,
            t.cloud_init
        ],
    )
    .map_err(conflict_on_unique)?;
    Ok(())
}

/// Deletes the shared template `name`.
pub(crate) fn delete(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM templates WHERE name = ?1 AND owner_id IS NULL",
        [name],
    )? > 0)
}

/// Changes the defaults of shared template `name`; `false` if there is none.
pub(crate) fn set_defaults(
    conn: &Connection,
    name: &str,
    d: &TemplateDefaults,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE templates SET os = ?2, cores = ?3, memory_mib = ?4, disk_gib = ?5,
            cloud_init = ?6 WHERE name = ?1 AND owner_id IS NULL",
        params![name, d.os, d.cores, d.memory_mib, d.disk_gib, d.cloud_init],
    )? > 0)
}

/// Deletes user `owner_id`'s own image `name`.
pub(crate) fn delete_own(conn: &Connection, owner_id: i64, name: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM templates WHERE name = ?1 AND owner_id = ?2",
        params![name, owner_id],
    )? > 0)
}

/// Makes user `owner_id`'s image `name` a shared template: `Ok(false)` if there is no such
/// image, `Conflict` if a shared template has that name.
pub(crate) fn publish(conn: &Connection, owner_id: i64, name: &str) -> Result<bool, StoreError> {
    let changed = conn
        .execute(
            "UPDATE templates SET owner_id = NULL WHERE name = ?1 AND owner_id = ?2",
            params![name, owner_id],
        )
        .map_err(conflict_on_unique)?;
    Ok(changed > 0)
}

/// Templates: the shared ones and users' saved images.
pub struct Templates<'a>(pub(crate) &'a Store);

impl Templates<'_> {
    pub async fn list(&self, viewer: Viewer) -> Result<Vec<Template>, StoreError> {
        self.0.run(move |c| list(c, viewer)).await
    }

    pub async fn shared(&self, name: &str) -> Result<Option<Template>, StoreError> {
        let name = name.to_owned();
        self.0.run(move |c| shared(c, &name)).await
    }

    /// Whether `name` is taken by the owner's images or the shared catalogue.
    pub async fn name_taken(&self, owner_id: i64, name: &str) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.0
            .run(move |c| Ok(own(c, owner_id, &name)?.is_some() || shared(c, &name)?.is_some()))
            .await
    }

    /// A template the user may create from: their own image or a shared template.
    pub async fn for_user(&self, user_id: i64, name: &str) -> Result<Option<Template>, StoreError> {
        let name = name.to_owned();
        self.0.run(move |c| for_user(c, user_id, &name)).await
    }

    pub async fn insert(
        &self,
        template: &Template,
        owner_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let template = template.clone();
        self.0.run(move |c| insert(c, &template, owner_id)).await
    }

    pub async fn delete(&self, name: &str) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.0.run(move |c| delete(c, &name)).await
    }

    /// Changes shared template `name`'s defaults and returns it (`None`: no such template).
    pub async fn set_defaults(
        &self,
        name: &str,
        defaults: &TemplateDefaults,
    ) -> Result<Option<Template>, StoreError> {
        let (name, defaults) = (name.to_owned(), defaults.clone());
        self.0
            .run(move |c| match set_defaults(c, &name, &defaults)? {
                true => shared(c, &name),
                false => Ok(None),
            })
            .await
    }

    /// The owner's image of that name, taken out of the table (`None` if there is none).
    pub async fn take_own(
        &self,
        owner_id: i64,
        name: &str,
    ) -> Result<Option<Template>, StoreError> {
        let name = name.to_owned();
        self.0
            .run(move |c| {
                let image = own(c, owner_id, &name)?;
                if image.is_some() {
                    delete_own(c, owner_id, &name)?;
                }
                Ok(image)
            })
            .await
    }

    pub async fn publish(&self, owner_id: i64, name: &str) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.0.run(move |c| publish(c, owner_id, &name)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, users};

    fn template(name: &str) -> Template {
        Template {
            name: name.into(),
            os: "test".into(),
            storage_pool: "images".into(),
            volume: format!("{name}.img"),
            cores: 1,
            memory_mib: 64,
            disk_gib: 2,
            kernel_boot: None,
            owner: None,
            cloud_init: false,
        }
    }

    #[test]
    fn images_are_private_until_published_and_names_are_per_owner() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        store
            .run_blocking(|c| {
                let alice = users::insert(c, &crate::users::plain_user("alice"), "x", 0)?.id;
                let bob = users::insert(c, &crate::users::plain_user("bob"), "x", 0)?.id;
                insert(c, &template("demo"), None)?;
                insert(c, &template("mine"), Some(alice))?;
                insert(c, &template("mine"), Some(bob))?;
                assert!(matches!(
                    insert(c, &template("mine"), Some(alice)),
                    Err(StoreError::Conflict)
                ));
                let names = |v| {
                    list(c, v).map(|ts| {
                        ts.into_iter()
                            .map(|t| format!("{}:{}", t.owner.unwrap_or_default(), t.name))
                            .collect::<Vec<_>>()
                    })
                };
                assert_eq!(names(Viewer::User(alice))?, [":demo", "alice:mine"]);
                assert_eq!(names(Viewer::Admin)?, [":demo", "alice:mine", "bob:mine"]);
                assert_eq!(own_disk_gib(c, alice)?, 2);
                assert!(for_user(c, alice, "mine")?.unwrap().owner.as_deref() == Some("alice"));
                assert!(publish(c, alice, "mine")?);
                assert!(matches!(publish(c, bob, "mine"), Err(StoreError::Conflict)));
                assert!(!delete_own(c, alice, "mine")?, "published: no longer hers");
                assert!(delete_own(c, bob, "mine")?);
                Ok(())
            })
            .unwrap();
    }
}
