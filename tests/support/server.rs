//! The real Ezilla backend, served on 127.0.0.1 port 0 inside the test process.

use std::{net::SocketAddr, path::PathBuf};

use ezilla::{
    AppState,
    config::{HostSpec, Settings},
};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running server; stopped when dropped or by `stop`.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    /// Serves the API over `hosts` (NAME=URI pairs), with no frontend.
    pub async fn api(hosts: &[(&str, &str)]) -> Self {
        Self::start_with_static(hosts, PathBuf::from("/nonexistent")).await
    }

    /// Serves the built frontend and the API over `hosts`.
    pub async fn with_frontend(hosts: &[(&str, &str)]) -> Self {
        Self::start_with_static(hosts, frontend_dist()).await
    }

    /// Like `start`, with the SPA served from `static_dir`.
    pub async fn start_with_static(hosts: &[(&str, &str)], static_dir: PathBuf) -> Self {
        let settings = Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            hosts: hosts
                .iter()
                .map(|(name, uri)| HostSpec {
                    name: (*name).into(),
                    uri: (*uri).into(),
                })
                .collect(),
            static_dir,
            ..Settings::default()
        };
        let state = AppState::start(&settings).await.expect("app state");
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(ezilla::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops serving and waits until the listener is closed.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Trunk's output, built by the test command before the tests run.
pub fn frontend_dist() -> PathBuf {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: build the frontend first (trunk build --release)",
        dist.display()
    );
    dist
}
