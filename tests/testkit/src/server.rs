//! The real Ezilla backend, served on 127.0.0.1 port 0 inside the test process, with a fresh
//! SQLite database in a temporary data directory.

use std::{net::SocketAddr, path::PathBuf};

use ezilla::{AppState, config::Settings};
use hypervisor::HostSpec;
use serde_json::{Value, json};
use shared::{Language, Quota, Role, User};
use tempfile::TempDir;
use tokio::{net::TcpStream, sync::oneshot, task::JoinHandle};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{
        Error as WsError, client::IntoClientRequest, handshake::client::Response as WsResponse,
    },
};

/// A test's end of a WebSocket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

/// A running server; stopped when dropped or by `stop`.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    _data: TempDir,
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

    /// Like `api`, with the SPA served from `static_dir`.
    pub async fn start_with_static(hosts: &[(&str, &str)], static_dir: PathBuf) -> Self {
        Self::start_with(hosts, static_dir, |_| {}).await
    }

    /// Like `start_with_static`, with the settings changed by `tweak` first.
    pub async fn start_with(
        hosts: &[(&str, &str)],
        static_dir: PathBuf,
        tweak: impl FnOnce(&mut Settings),
    ) -> Self {
        let data = tempfile::tempdir().unwrap();
        let settings = Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            hosts: hosts
                .iter()
                .map(|(name, uri)| HostSpec {
                    name: (*name).into(),
                    uri: (*uri).into(),
                    guest_network: Default::default(),
                    vcpu_overcommit: None,
                    memory_overcommit: None,
                })
                .collect(),
            static_dir,
            data_dir: data.path().into(),
            ..Settings::default()
        };
        let mut settings = settings;
        tweak(&mut settings);
        let state = AppState::start(&settings).await.expect("app state");
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(ezilla::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        let server = Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
            _data: data,
        };
        server.add_user("root", Role::Admin);
        server
    }

    /// Three test-driver hosts, user `alice`, and the template `demo`. one1: 4 CPUs, 4 GiB;
    /// one2: 8 CPUs, 8 GiB; one3: 16 CPUs, 32 GiB but without the template's disk.
    pub async fn pool_of_three(with_frontend: bool) -> Self {
        let hosts = [
            ("one1", fixture_host("host-small.xml")),
            ("one2", fixture_host("host-medium.xml")),
            ("one3", fixture_host("host-large.xml")),
        ];
        let hosts: Vec<(&str, &str)> = hosts.iter().map(|(n, u)| (*n, u.as_str())).collect();
        let dist = if with_frontend {
            frontend_dist()
        } else {
            PathBuf::from("/nonexistent")
        };
        let server = Self::start_with_static(&hosts, dist).await;
        server.add_user("alice", Role::User);
        let template = json!({
            "name": "demo", "os": "Ezilla demo (busybox)", "storage_pool": "images",
            "volume": "demo-base.img", "cores": 1, "memory_mib": 512, "disk_gib": 2
        });
        let (status, body) = server
            .admin()
            .await
            .send(reqwest::Method::POST, "/api/v1/templates", Some(template))
            .await;
        assert_eq!(status, 201, "{body}");
        server
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Adds a user with password `PASSWORD` straight into the database.
    pub fn add_user(&self, username: &str, role: Role) {
        let user = User {
            username: username.into(),
            role,
            language: Language::En,
            quota: Quota {
                max_vms: 5,
                max_vcpus: 8,
                max_memory_mib: 8192,
                max_disk_gib: 100,
            },
        };
        // On a runtime of its own, so the many tests that add users stay synchronous here.
        let store = self.state.auth.store.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(ezilla::auth::add_user(&store, user, PASSWORD))
        })
        .join()
        .expect("adding a user")
        .expect("database")
        .expect("valid user");
    }

    /// A client with no session.
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: self.url(""),
        }
    }

    /// A client logged in as `username`.
    pub async fn login(&self, username: &str) -> Client {
        self.login_with_token(username).await.0
    }

    /// A client logged in as `username`, and the raw session token its cookie holds.
    pub async fn login_with_token(&self, username: &str) -> (Client, String) {
        let client = self.anonymous();
        let response = client
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD, "language": "en"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login as {username}");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        let token = cookie
            .strip_prefix("ezilla_session=")
            .and_then(|rest| rest.split(';').next())
            .expect("a session cookie")
            .to_owned();
        (client, token)
    }

    /// Opens the WebSocket at `path` with the session `token`, sent from `origin`, asking for
    /// `protocol` if given.
    pub async fn websocket(
        &self,
        path: &str,
        token: &str,
        origin: &str,
        protocol: Option<&str>,
    ) -> Result<(Socket, WsResponse), WsError> {
        let mut request = format!("ws://{}{path}", self.addr)
            .into_client_request()
            .unwrap();
        let headers = request.headers_mut();
        headers.insert("origin", origin.parse().unwrap());
        headers.insert("cookie", format!("ezilla_session={token}").parse().unwrap());
        if let Some(protocol) = protocol {
            headers.insert("sec-websocket-protocol", protocol.parse().unwrap());
        }
        tokio_tungstenite::connect_async(request).await
    }

    /// A client logged in as the built-in test admin `root`.
    pub async fn admin(&self) -> Client {
        self.login("root").await
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

/// An HTTP client with its own cookie jar.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    /// Sends a request (with a JSON body if given) and returns the status and JSON body
    /// (`Null` when the body is empty).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// Saves the user's desktop with `windows` open (JSON windows as the desktop stores them),
    /// so that the next login restores them.
    pub async fn save_windows(&self, windows: Value) {
        let (_, mut saved) = self.get("/api/v1/me/desktop").await;
        saved["desktop"]["windows"] = windows;
        let response = self
            .http
            .put(format!("{}/api/v1/me/desktop", self.base))
            .header("if-match", format!("\"{}\"", saved["version"]))
            .json(&saved["desktop"])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}

/// A console window of `vm` as a saved desktop holds it: `app` at `x`, 480×320.
pub fn console_window(app: &str, vm: &str, x: i32) -> Value {
    serde_json::json!({
        "app": app, "at": {"x": x, "y": 40}, "width": 480, "height": 320, "vm": vm
    })
}

/// Trunk's output, built by the test command before the tests run.
pub fn frontend_dist() -> PathBuf {
    let dist = crate::workspace_root().join("frontend/dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: build the frontend first (trunk build --release)",
        dist.display()
    );
    dist
}

/// The libvirt URI of a test-driver host described by `tests/fixtures/NAME`.
pub fn fixture_host(name: &str) -> String {
    let path = crate::workspace_root().join("tests/fixtures").join(name);
    format!("test://{}", path.canonicalize().unwrap().display())
}
