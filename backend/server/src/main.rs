//! The `ezilla` binary: parse the configuration, then serve (or run an account command).

use clap::Parser;
use ezilla::{cli::Cli, config::Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut cli = Cli::parse();
    let settings = Settings::load(&cli.flags)?;
    if let Some(command) = cli.command.take() {
        let outcome = tokio::task::block_in_place(|| ezilla::cli::run(command, &settings));
        // Exits here, not by returning: a console's read of standard input may still be
        // blocked in the runtime, which would wait for it.
        std::process::exit(match outcome {
            Ok(()) => 0,
            Err(err) => {
                eprintln!("error: {err:#}");
                err.downcast_ref::<ezilla::cli::remote::ClientError>()
                    .map_or(1, |e| e.exit_code)
            }
        });
    }
    ezilla::telemetry::init(settings.log_format);
    let state = ezilla::AppState::start(&settings).await?;
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "serving Ezilla");
    let monitor = state.monitor.clone();
    let shutdown = async move {
        shutdown_signal().await;
        // Saved at once, not after open connections (consoles, live events) end: the graphs
        // go on where they stopped at the next start.
        monitor.save_history().await;
    };
    ezilla::serve(listener, state, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down");
}
