//! `ezilla user ...`: account management.

use anyhow::{Context, bail};
use clap::Subcommand;
use shared::{Language, Quota, Role, User};

use store::{Store, StoreError};

use crate::{
    auth::{self, password},
    config::Settings,
    owners,
    wallpaper::Wallpapers,
};

use super::read_password;

/// Account commands. Passwords are read from the first line of standard input, so they never
/// show in the process list; with empty input, a random password is generated and printed.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add {
        username: String,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Set a user's password (ends their sessions and revokes their access tokens).
    Passwd { username: String },
    /// List users with their roles and quotas.
    List,
    /// Delete a user. With `--delete-vms` or `--hand-over NAME` their VMs are deleted (with
    /// their disks) or handed over, on the configured hosts; without, the VMs stay, owned by
    /// no one who can log in, and visible to admins.
    Delete {
        username: String,
        /// Delete the user's VMs and their disks.
        #[arg(long, conflicts_with = "hand_over")]
        delete_vms: bool,
        /// Hand the user's VMs over to this user.
        #[arg(long, value_name = "NAME")]
        hand_over: Option<String>,
    },
    /// Set a user's quota; omitted limits stay as they are.
    SetQuota {
        username: String,
        #[arg(long)]
        max_vms: Option<u32>,
        #[arg(long)]
        max_vcpus: Option<u32>,
        #[arg(long)]
        max_memory_mib: Option<u64>,
        #[arg(long)]
        max_disk_gib: Option<u64>,
    },
}

/// Runs one command and prints its outcome.
pub async fn run(command: UserCommand, store: &Store, settings: &Settings) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { username, admin } => {
            let (password, generated) = read_password()?;
            let user = User {
                username: username.clone(),
                role: if admin { Role::Admin } else { Role::User },
                language: Language::En,
                quota: settings.default_quota(),
            };
            match auth::add_user(store, user, &password).await {
                Ok(Ok(_)) => println!("added {username}"),
                Ok(Err(why)) => bail!("{why}"),
                Err(StoreError::Conflict) => bail!("user {username} exists already"),
                Err(err) => return Err(err.into()),
            }
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::Passwd { username } => {
            let (password, generated) = read_password()?;
            password::check_new(&password).map_err(anyhow::Error::msg)?;
            let hash = password::hash(&password);
            if !store.users().set_password_hash(&username, &hash).await? {
                bail!("no user {username}");
            }
            println!("password of {username} changed");
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            println!(
                "{:<24} {:<6} {:<6} {:>4} {:>6} {:>10} {:>8}",
                "USERNAME", "ROLE", "LANG", "VMS", "VCPUS", "MEMORY_MIB", "DISK_GIB"
            );
            for u in store.users().list().await? {
                let q = u.quota;
                println!(
                    "{:<24} {:<6} {:<6} {:>4} {:>6} {:>10} {:>8}",
                    u.username,
                    u.role.as_str(),
                    u.language.tag(),
                    q.max_vms,
                    q.max_vcpus,
                    q.max_memory_mib,
                    q.max_disk_gib
                );
            }
        }
        UserCommand::Delete {
            username,
            delete_vms,
            hand_over,
        } => {
            let Some(record) = store.users().by_name(&username).await? else {
                bail!("no user {username}");
            };
            let disposal = match hand_over {
                Some(to) => {
                    let Some(heir) = store.users().by_name(&to).await? else {
                        bail!("no user {to} to hand the VMs over to");
                    };
                    if heir.id == record.id {
                        bail!("hand the VMs over to another user");
                    }
                    Some(owners::Disposal::HandOver {
                        to: heir.user.username,
                        to_uid: heir.uid,
                    })
                }
                None => delete_vms.then_some(owners::Disposal::Delete),
            };
            if let Some(disposal) = disposal {
                let pool = crate::hosts::start_pool(settings, store).await?;
                let moved = owners::dispose(&pool, &record.uid, &username, &disposal)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{moved} VMs of {username} deleted or handed over");
            }
            let Some(id) = store.users().delete(&username).await? else {
                bail!("no user {username}");
            };
            Wallpapers::new(&settings.data_dir)
                .remove(id)
                .context("deleting the user's wallpaper")?;
            println!("deleted {username}");
        }
        UserCommand::SetQuota {
            username,
            max_vms,
            max_vcpus,
            max_memory_mib,
            max_disk_gib,
        } => {
            let record = store
                .users()
                .by_name(&username)
                .await?
                .with_context(|| format!("no user {username}"))?;
            let old = record.user.quota;
            let quota = Quota {
                max_vms: max_vms.unwrap_or(old.max_vms),
                max_vcpus: max_vcpus.unwrap_or(old.max_vcpus),
                max_memory_mib: max_memory_mib.unwrap_or(old.max_memory_mib),
                max_disk_gib: max_disk_gib.unwrap_or(old.max_disk_gib),
            };
            store.users().set_quota(&username, quota).await?;
            println!("quota of {username} set");
        }
    }
    Ok(())
}
