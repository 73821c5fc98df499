//! A root shell in a guest, through Ezilla's serial console WebSocket: lines typed as a
//! user types them, answers read from what the guest prints.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use shared::routes;
use tokio_tungstenite::tungstenite::Message;

use testkit::server::{Socket, TestServer};

use super::consoles::open;

/// A root shell in a guest, through Ezilla's serial console WebSocket.
pub struct GuestShell {
    socket: Socket,
    /// Everything the guest printed so far.
    pub text: String,
}

impl GuestShell {
    pub async fn open(server: &TestServer, uuid: &str, user: &str) -> Self {
        let (_, token) = server.login_with_token(user).await;
        let socket = open(
            server,
            routes::VM_CONSOLE_SERIAL,
            uuid,
            &token,
            &server.url(""),
        )
        .await
        .expect("the serial console opens");
        let mut shell = Self {
            socket,
            text: String::new(),
        };
        // A guest still booting has no shell to type into yet: ask until one answers.
        let ready = Duration::from_secs(5);
        for _ in 0..30 {
            if shell
                .try_run("echo shell-$((20+1))", &["shell-21"], ready)
                .await
                .is_some()
            {
                return shell;
            }
        }
        panic!("no shell on the serial console: {:?}", shell.text);
    }

    /// Types `line` and reads until one of `answers` shows after it; returns that one.
    pub async fn run(&mut self, line: &str, answers: &[&str]) -> String {
        let limit = Duration::from_secs(60);
        match self.try_run(line, answers, limit).await {
            Some(answer) => answer,
            None => panic!("no answer to {line:?}: {:?}", self.text),
        }
    }

    /// `run`, giving up after `limit`.
    pub async fn try_run(
        &mut self,
        line: &str,
        answers: &[&str],
        limit: Duration,
    ) -> Option<String> {
        let from = self.text.len();
        let bytes = format!("{line}\n").into_bytes();
        self.socket.send(Message::binary(bytes)).await.unwrap();
        let read = async {
            loop {
                if let Some(found) = answers.iter().find(|a| self.text[from..].contains(**a)) {
                    return found.to_string();
                }
                match self.socket.next().await {
                    Some(Ok(Message::Binary(bytes))) => {
                        self.text.push_str(&String::from_utf8_lossy(&bytes))
                    }
                    other => panic!("serial console ended: {other:?}"),
                }
            }
        };
        tokio::time::timeout(limit, read).await.ok()
    }
}
