//! The command line as a client of a running Ezilla, over its API with a personal access
//! token: `ezilla remote login URL`, then `ezilla vm ...` and `ezilla template list`.
//! Failures exit with a code chosen by the API's error code (`client::exit_code`).

mod client;
mod config;
mod console;
mod table;
mod terminal;
pub mod vm;

use clap::Subcommand;
use reqwest::Method;
use shared::{
    CreatedAccessToken, LoginRequest, NewAccessToken, Template, TokenScope, User, routes,
};

pub use client::{Api, ClientError};
pub use vm::VmCommand;

/// Days a token made by `remote login` with a password lasts.
const LOGIN_TOKEN_DAYS: u32 = 90;

/// Logging in to a server and out.
#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Log in to the Ezilla at URL: with `--token` (made in Settings), or with your username
    /// and password (asked for; read from standard input when it is no terminal), which make
    /// a 90-day write token named after this machine. The URL and token are stored in your
    /// config folder, readable by you alone.
    Login {
        /// The server, e.g. https://ezilla.example.org
        url: String,
        /// A personal access token (`ezilla_...`).
        #[arg(long)]
        token: Option<String>,
        /// The username (else asked for).
        #[arg(long, conflicts_with = "token")]
        username: Option<String>,
    },
    /// Forget the stored login (revoke its token in Settings).
    Logout,
    /// Show the server and user of the stored login.
    Status,
}

/// Runs a client command to the end, on the running runtime.
pub fn block_on<T>(work: impl Future<Output = Result<T, ClientError>>) -> Result<T, ClientError> {
    tokio::runtime::Handle::current().block_on(work)
}

/// A client of the stored login's server.
pub fn api() -> Result<Api, ClientError> {
    let login = config::load()?;
    Api::new(&login.url, Some(login.token))
}

pub async fn run(command: RemoteCommand) -> Result<(), ClientError> {
    match command {
        RemoteCommand::Login {
            url,
            token,
            username,
        } => login(&url, token, username).await,
        RemoteCommand::Logout => {
            let path = config::path()?;
            match config::forget()? {
                true => println!("forgot the login in {}", path.display()),
                false => println!("not logged in"),
            }
            Ok(())
        }
        RemoteCommand::Status => {
            let api = api()?;
            let me: User = api.get(routes::ME).await?;
            println!("{} as {} ({})", api.base, me.username, me.role.as_str());
            Ok(())
        }
    }
}

async fn login(
    url: &str,
    token: Option<String>,
    username: Option<String>,
) -> Result<(), ClientError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ClientError::new(
            Some(shared::ErrorCode::BadRequest),
            "the URL starts with https:// (or http://)",
        ));
    }
    if plain_http_elsewhere(url) {
        eprintln!(
            "warning: {url} is plain HTTP: the token crosses the network readable by anyone on the way"
        );
    }
    let token = match token {
        Some(token) => token,
        None => token_from_password(url, username).await?,
    };
    let api = Api::new(url, Some(token.clone()))?;
    let me: User = api.get(routes::ME).await?;
    let path = config::save(&config::Login {
        url: api.base.clone(),
        token,
    })?;
    println!(
        "logged in to {} as {} (saved in {})",
        api.base,
        me.username,
        path.display()
    );
    Ok(())
}

/// Whether `url` is plain HTTP to another machine than this one.
fn plain_http_elsewhere(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    !(host == "localhost" || host == "[::1]" || host.starts_with("127."))
}

/// Logs in with a password, makes a write token for this machine, and logs out again.
async fn token_from_password(url: &str, username: Option<String>) -> Result<String, ClientError> {
    let io = |e: std::io::Error| ClientError::new(None, format!("reading the terminal: {e}"));
    let username = match username {
        Some(name) => name,
        None => terminal::prompt("Username", false).map_err(io)?,
    };
    let password = terminal::prompt("Password", true).map_err(io)?;
    let session = Api::new(url, None)?;
    let request = LoginRequest {
        username,
        password,
        language: None,
    };
    let _: User = session
        .json(Method::POST, routes::LOGIN, Some(&request))
        .await?;
    let machine = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let new = NewAccessToken {
        name: format!("ezilla command line on {}", machine.trim())
            .trim()
            .to_owned(),
        scope: TokenScope::Write,
        expires_in_days: LOGIN_TOKEN_DAYS,
    };
    let made: CreatedAccessToken = session
        .json(Method::POST, routes::ME_TOKENS, Some(&new))
        .await?;
    session
        .call(Method::POST, routes::LOGOUT, None::<&()>)
        .await?;
    Ok(made.secret)
}

/// `ezilla template list`: the templates you may create VMs from.
pub async fn list_templates(json: bool) -> Result<(), ClientError> {
    let templates: Vec<Template> = api()?.get(routes::TEMPLATES).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&templates).expect("JSON")
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = templates
        .into_iter()
        .map(|t| {
            vec![
                t.name,
                t.os,
                t.cores.to_string(),
                t.memory_mib.to_string(),
                t.disk_gib.to_string(),
                table::or_dash(t.owner),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["NAME", "OS", "CPUS", "MEMORY_MIB", "DISK_GIB", "OWNER"],
            &rows
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_http_is_flagged_unless_to_this_machine() {
        for elsewhere in ["http://ezilla.example.org", "http://10.0.0.5:8080/"] {
            assert!(super::plain_http_elsewhere(elsewhere), "{elsewhere}");
        }
        for fine in [
            "https://ezilla.example.org",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:80",
        ] {
            assert!(!super::plain_http_elsewhere(fine), "{fine}");
        }
    }
}
