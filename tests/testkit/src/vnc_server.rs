//! A VNC server for browser tests of the console's input: it shakes hands as QEMU does (RFB
//! 3.8, no security, a 640×400 screen, QEMU extended key events on) and records every key and
//! pointer event a client sends, so a test can see exactly what reached the "guest". It
//! listens on a Unix socket, as the VNC servers of Ezilla's VMs do.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{UnixListener, UnixStream},
};

pub const WIDTH: u16 = 640;
pub const HEIGHT: u16 = 400;
/// The pseudo-encoding by which a client asks for QEMU's extended key events.
const QEMU_EXTENDED_KEY: i32 = -258;

/// An input event as the server received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Key {
        down: bool,
        keysym: u32,
        /// The XT scancode of a QEMU extended key event.
        scancode: Option<u32>,
    },
    Pointer {
        buttons: u8,
        x: u16,
        y: u16,
    },
}

/// The server; it stops with the test's runtime.
pub struct RecordingVnc {
    /// The Unix socket it listens on (for a test-driver VM's `<graphics socket='...'>`).
    pub socket: std::path::PathBuf,
    inputs: Arc<Mutex<Vec<Input>>>,
    _dir: tempfile::TempDir,
}

impl RecordingVnc {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("vnc.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let inputs = Arc::new(Mutex::new(Vec::new()));
        let recorded = inputs.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                // A client that goes early (a console asked whether it would open) just ends
                // its task.
                tokio::spawn(serve(conn, recorded.clone()));
            }
        });
        Self {
            socket,
            inputs,
            _dir: dir,
        }
    }

    /// The inputs received since the last call.
    pub fn take(&self) -> Vec<Input> {
        std::mem::take(&mut self.inputs.lock().unwrap())
    }
}

async fn serve(mut conn: UnixStream, inputs: Arc<Mutex<Vec<Input>>>) -> std::io::Result<()> {
    conn.write_all(b"RFB 003.008\n").await?;
    read(&mut conn, 12).await?;
    conn.write_all(&[1, 1]).await?; // one security type: None
    read(&mut conn, 1).await?;
    conn.write_all(&0u32.to_be_bytes()).await?;
    read(&mut conn, 1).await?; // ClientInit
    let mut init = Vec::new();
    init.extend_from_slice(&WIDTH.to_be_bytes());
    init.extend_from_slice(&HEIGHT.to_be_bytes());
    // 32 bits per pixel, depth 24, little-endian, true colour, 8 bits each at 16, 8, 0.
    init.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    init.extend_from_slice(&4u32.to_be_bytes());
    init.extend_from_slice(b"test");
    conn.write_all(&init).await?;
    loop {
        let kind = read(&mut conn, 1).await?[0];
        let input = match kind {
            0 => {
                read(&mut conn, 19).await?; // SetPixelFormat
                None
            }
            2 => {
                let head = read(&mut conn, 3).await?;
                let count = u16::from_be_bytes([head[1], head[2]]) as usize;
                let list = read(&mut conn, 4 * count).await?;
                let asks_qemu_keys = list
                    .chunks(4)
                    .any(|e| i32::from_be_bytes(e.try_into().unwrap()) == QEMU_EXTENDED_KEY);
                if asks_qemu_keys {
                    // As QEMU does: a FramebufferUpdate with that pseudo-encoding's rectangle.
                    let mut update = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
                    update.extend_from_slice(&QEMU_EXTENDED_KEY.to_be_bytes());
                    conn.write_all(&update).await?;
                }
                None
            }
            3 => {
                read(&mut conn, 9).await?; // FramebufferUpdateRequest: nothing changes
                None
            }
            4 => {
                let m = read(&mut conn, 7).await?;
                Some(Input::Key {
                    down: m[0] != 0,
                    keysym: u32::from_be_bytes(m[3..7].try_into().unwrap()),
                    scancode: None,
                })
            }
            5 => {
                let m = read(&mut conn, 5).await?;
                Some(Input::Pointer {
                    buttons: m[0],
                    x: u16::from_be_bytes([m[1], m[2]]),
                    y: u16::from_be_bytes([m[3], m[4]]),
                })
            }
            6 => {
                let m = read(&mut conn, 7).await?;
                let len = u32::from_be_bytes(m[3..7].try_into().unwrap());
                read(&mut conn, len as usize).await?;
                None
            }
            255 if read(&mut conn, 1).await?[0] == 0 => {
                let m = read(&mut conn, 10).await?;
                Some(Input::Key {
                    down: u16::from_be_bytes([m[0], m[1]]) != 0,
                    keysym: u32::from_be_bytes(m[2..6].try_into().unwrap()),
                    scancode: Some(u32::from_be_bytes(m[6..10].try_into().unwrap())),
                })
            }
            other => panic!("a client message this server does not know: {other}"),
        };
        inputs.lock().unwrap().extend(input);
    }
}

async fn read(conn: &mut UnixStream, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; n];
    conn.read_exact(&mut buf).await?;
    Ok(buf)
}
