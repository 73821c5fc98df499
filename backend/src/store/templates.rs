//! The templates table.

use rusqlite::{Connection, OptionalExtension, Row, params};
use shared::{KernelBoot, Template};

use super::{StoreError, conflict_on_unique};

const COLUMNS: &str =
    "name, os, storage_pool, volume, cores, memory_mib, disk_gib, kernel_boot, cloud_init";

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
        cloud_init: row.get(8)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Template>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM templates ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn by_name(conn: &Connection, name: &str) -> Result<Option<Template>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM templates WHERE name = ?1");
    Ok(conn.query_row(&sql, [name], from_row).optional()?)
}

/// Adds a template; `Conflict` if the name is taken.
pub fn insert(conn: &Connection, t: &Template) -> Result<(), StoreError> {
    let kernel_boot = t
        .kernel_boot
        .as_ref()
        .map(|k| serde_json::to_string(k).expect("serializes"));
    conn.execute(
        &format!("INSERT INTO templates ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            t.name,
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

pub fn delete(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM templates WHERE name = ?1", [name])? > 0)
}
