//! `ezilla user ...` and `ezilla template ...`: administration on the same database the
//! server uses, for scripts and for the first steps before anyone can log in.

mod template;
mod user;

use std::io::BufRead;

use clap::Subcommand;
pub use template::TemplateCommand;
pub use user::UserCommand;

use crate::{auth::password, config::Settings, store::Store};

/// Commands that work on the database instead of serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the template catalogue.
    #[command(subcommand)]
    Template(TemplateCommand),
}

/// Runs one command and prints its outcome.
pub fn run(command: Command, settings: &Settings) -> anyhow::Result<()> {
    let store = Store::open(&settings.database_path())?;
    match command {
        Command::User(c) => user::run(c, &store, settings),
        Command::Template(c) => template::run(c, &store),
    }
}

/// The first line of standard input, or a generated password when it is empty.
fn read_password() -> anyhow::Result<(String, bool)> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']);
    Ok(if line.is_empty() {
        (password::generate(), true)
    } else {
        (line.to_owned(), false)
    })
}
