//! The command line besides serving. `ezilla user ...` and `ezilla template add|delete|list
//! --local`: administration on the same database the server uses, for scripts and for the
//! first steps before anyone can log in. `ezilla remote ...`, `ezilla vm ...` and `ezilla
//! template list`: a client of a running Ezilla, over its API (`remote/`).

pub mod remote;
mod template;
mod user;

use std::io::BufRead;

use clap::{CommandFactory, Parser, Subcommand};
use store::Store;
use tokio::runtime::Handle;

use crate::{
    auth::password,
    config::{Flags, Settings},
};
pub use template::TemplateCommand;
pub use user::UserCommand;

/// Ezilla: a WebOS desktop in the browser with libvirt virtual machines behind it.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub flags: Flags,
    /// A command to run instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Commands that work on the database instead of serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the template catalogue (`list`: the templates you may use, over the API).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Log in to a running Ezilla, for `ezilla vm` and `ezilla template list`.
    #[command(subcommand)]
    Remote(remote::RemoteCommand),
    /// Your VMs (all VMs, for admins) on the Ezilla you logged in to.
    Vm {
        /// Print JSON (the API's own types) instead of a table.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        command: remote::VmCommand,
    },
    /// Print the shell completion script for SHELL (e.g. `ezilla completions bash`).
    Completions { shell: clap_complete::Shell },
}

/// Runs one command and prints its outcome.
/// A client command's failure is a `remote::ClientError`, which carries the exit code.
pub fn run(command: Command, settings: &Settings) -> anyhow::Result<()> {
    match command {
        Command::Remote(c) => Ok(remote::block_on(remote::run(c))?),
        Command::Vm { json, command } => Ok(remote::block_on(remote::vm::run(command, json))?),
        Command::Template(TemplateCommand::List { local: false, json }) => {
            Ok(remote::block_on(remote::list_templates(json))?)
        }
        Command::Completions { shell } => {
            let (mut cli, mut script) = (Cli::command(), Vec::new());
            clap_complete::generate(shell, &mut cli, "ezilla", &mut script);
            std::io::Write::write_all(&mut std::io::stdout(), &script)?;
            Ok(())
        }
        Command::User(c) => {
            let store = Store::open(&settings.database_path())?;
            Handle::current().block_on(user::run(c, &store, settings))
        }
        Command::Template(c) => {
            let store = Store::open(&settings.database_path())?;
            Handle::current().block_on(template::run(c, &store))
        }
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
