//! One student of the classroom: logs in from an address of their own (as the students of a
//! room each have one), holds the desktop's events socket, asks for the VM list, opens a
//! console, and changes their VM's state to time how soon their desktop hears of it.

use std::{
    net::{IpAddr, SocketAddr},
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use tokio::{net::TcpSocket, sync::watch};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest},
};

use super::server::{student, vm_uuid};

/// Every student's password.
pub const PASSWORD: &str = "classroom password";
/// How long any one request or wait may take before it counts as an error.
const PATIENCE: Duration = Duration::from_secs(30);

/// A socket of the student's.
pub type Socket = WebSocketStream<tokio::net::TcpStream>;

/// The loopback address student `i` connects from.
fn address(i: usize) -> IpAddr {
    IpAddr::from([127, 1, (i / 250) as u8, (i % 250 + 1) as u8])
}

pub struct Student {
    pub i: usize,
    pub uuid: String,
    http: reqwest::Client,
    token: String,
    base: String,
}

impl Student {
    /// Logs student `i` in, trying again when the server says it is busy (as the login page
    /// does); how long it took.
    pub async fn login(base: &str, i: usize) -> Result<(Self, Duration), String> {
        let mut headers = HeaderMap::new();
        headers.insert("x-ezilla-request", HeaderValue::from_static("1"));
        let http = reqwest::Client::builder()
            .local_address(address(i))
            .default_headers(headers)
            .timeout(PATIENCE)
            .build()
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        let body = json!({"username": student(i), "password": PASSWORD, "language": "en"});
        let answer = loop {
            let answer = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&body)
                .send()
                .await
                .map_err(|e| format!("login of {}: {e}", student(i)))?;
            if answer.status() != 429 || started.elapsed() > PATIENCE {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        if answer.status() != 200 {
            return Err(format!("login of {}: {}", student(i), answer.status()));
        }
        let token = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("ezilla_session="))
            .and_then(|c| c.split(';').next())
            .ok_or("no session cookie")?
            .to_owned();
        let student = Self {
            i,
            uuid: vm_uuid(i),
            http,
            token,
            base: base.to_owned(),
        };
        Ok((student, started.elapsed()))
    }

    /// `GET path` as the student: the status and JSON body.
    async fn get(&self, path: &str) -> Result<Value, String> {
        let answer = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("ezilla_session={}", self.token))
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        if answer.status() != 200 {
            return Err(format!("GET {path}: {}", answer.status()));
        }
        answer.json().await.map_err(|e| format!("GET {path}: {e}"))
    }

    /// The VM list; how long it took. An error if the student's VM is not in it.
    pub async fn list(&self) -> Result<Duration, String> {
        let started = Instant::now();
        let list = self.get("/api/v1/vms").await?;
        let took = started.elapsed();
        let mine = list["vms"]
            .as_array()
            .is_some_and(|vms| vms.len() == 1 && vms[0]["uuid"] == self.uuid.as_str());
        match mine {
            true => Ok(took),
            false => Err(format!("{}'s list: {list}", student(self.i))),
        }
    }

    /// Asks for `action` on the student's VM.
    pub async fn act(&self, action: &str) -> Result<(), String> {
        let path = format!("/api/v1/vms/{}/action", self.uuid);
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("ezilla_session={}", self.token))
            .json(&json!({"action": action}))
            .send()
            .await
            .map_err(|e| format!("{action}: {e}"))?;
        match answer.status().is_success() {
            true => Ok(()),
            false => Err(format!("{action}: {}", answer.status())),
        }
    }

    /// Opens the WebSocket at `path`, from the student's address, with the page's Origin.
    pub async fn socket(&self, path: &str, protocol: Option<&str>) -> Result<Socket, String> {
        let host = self.base.trim_start_matches("http://");
        let tcp = self.connect().await?;
        let mut request = format!("ws://{host}{path}")
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        headers.insert("origin", self.base.parse().expect("an origin"));
        let cookie = format!("ezilla_session={}", self.token);
        headers.insert("cookie", cookie.parse().expect("a cookie"));
        if let Some(protocol) = protocol {
            headers.insert(
                "sec-websocket-protocol",
                protocol.parse().expect("a protocol"),
            );
        }
        let (socket, _) = tokio_tungstenite::client_async(request, tcp)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        Ok(socket)
    }

    /// The VM's VNC console, read as a browser's own WebSocket would.
    pub async fn console(&self) -> Result<super::console::RawConsole, String> {
        let host = self.base.trim_start_matches("http://");
        let path = shared::routes::fill(shared::routes::VM_CONSOLE_VNC, &[&self.uuid]);
        let cookie = format!("ezilla_session={}", self.token);
        let tcp = self.connect().await?;
        super::console::RawConsole::open(tcp, host, &path, &cookie, &self.base).await
    }

    /// A TCP connection to the server from the student's address.
    async fn connect(&self) -> Result<tokio::net::TcpStream, String> {
        let host = self.base.trim_start_matches("http://");
        let server: SocketAddr = host.parse().map_err(|e| format!("{host}: {e}"))?;
        let tcp = TcpSocket::new_v4().map_err(|e| e.to_string())?;
        tcp.bind(SocketAddr::new(address(self.i), 0))
            .map_err(|e| e.to_string())?;
        let tcp = tcp.connect(server).await.map_err(|e| e.to_string())?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(tcp)
    }

    /// The desktop's events socket: the state of the student's VM as each event tells it.
    pub async fn events(&self) -> Result<watch::Receiver<String>, String> {
        let mut socket = self.socket(shared::routes::EVENTS, None).await?;
        let (state, seen) = watch::channel(String::new());
        let uuid = self.uuid.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(event) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let vm = event["vms"]
                    .as_array()
                    .and_then(|vms| vms.iter().find(|vm| vm["uuid"] == uuid.as_str()).cloned());
                if let Some(now) = vm.and_then(|vm| vm["state"].as_str().map(str::to_owned)) {
                    state.send_replace(now);
                }
            }
        });
        Ok(seen)
    }

    /// Asks for `action` and waits until the events socket says the VM is `state`: how long
    /// from asking to hearing.
    pub async fn change(
        &self,
        events: &mut watch::Receiver<String>,
        action: &str,
        state: &str,
    ) -> Result<Duration, String> {
        let started = Instant::now();
        self.act(action).await?;
        tokio::time::timeout(PATIENCE, events.wait_for(|now| now == state))
            .await
            .map_err(|_| format!("{}: no event saying {state}", student(self.i)))?
            .map_err(|_| "the events socket closed".to_owned())?;
        Ok(started.elapsed())
    }
}
