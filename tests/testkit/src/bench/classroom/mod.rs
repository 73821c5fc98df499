//! A classroom on one server: `students` users log in at once (argon2 included), each holds
//! the desktop's events socket and asks for the VM list every 5 s; the first `consoles` keep a
//! VNC console open, streaming `rate` bytes a second from a synthetic VNC server behind their
//! test-driver VM (every byte checked, in order); each suspends and resumes their VM once, at
//! a moment of their own (spread over the lesson), and times how soon their desktop hears. The real `ezilla` binary serves, as a
//! process of its own, so its CPU time and memory are its own. Used by the `classroom` bench
//! (full size) and by a test (small), loopback only, bounded by `secs`.

mod console;
pub mod report;
mod server;
mod stream;
mod student;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use futures_util::{StreamExt, stream::FuturesUnordered};
use serde_json::json;
use shared::routes;
use tokio::{io::AsyncReadExt, net::UnixStream, sync::watch, time::sleep_until};

pub use report::Report;
use server::{Server, host_xml, student};
use stream::Checker;
use student::{PASSWORD, Student};

/// How often each desktop asks for the VM list.
const LIST_EVERY: Duration = Duration::from_secs(5);
/// Direct readers of the synthetic VNC server (no proxy): the delay the proxy adds is measured
/// against theirs.
const DIRECT_READERS: usize = 5;

/// How big a classroom.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub students: usize,
    pub consoles: usize,
    pub secs: u64,
    /// Bytes a second each console streams.
    pub rate: usize,
}

/// Runs a classroom of `size`.
pub async fn run(size: Size) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("vnc.sock");
    stream::serve(&socket, size.rate);
    let host = dir.path().join("host.xml");
    std::fs::write(&host, host_xml(size.students, &socket)).unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data, &host).await;
    let mut report = Report {
        size: Some(size),
        idle_rss_kib: server.rss_kib(),
        ..Report::default()
    };
    add_students(&server.base, &data, size.students).await;

    let started = Instant::now();
    let logins: Vec<_> = (0..size.students)
        .map(|i| Student::login(&server.base, i))
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await;
    report.logins_took = started.elapsed();
    let mut students = Vec::new();
    for login in logins {
        match login {
            Ok((student, took)) => {
                report.logins.push(took);
                students.push(Arc::new(student));
            }
            Err(e) => report.errors.push(e),
        }
    }
    students.sort_by_key(|s| s.i);

    // Each desktop: its events socket and a first list; the first alone, then the others.
    let mut desktops = Vec::new();
    for student in &students {
        match open_desktop(student).await {
            Ok(events) => desktops.push((student.clone(), events)),
            Err(e) => report.errors.push(e),
        }
        if desktops.len() == 1 {
            report.one_desktop_rss_kib = server.rss_kib();
        }
    }
    report.all_desktops_rss_kib = server.rss_kib();

    lesson(&mut report, &server, desktops, &socket, size).await;
    report.peak_rss_kib = server.peak_rss_kib();
    if !server.alive() {
        report.errors.push("the server died".into());
    }
    report
}

/// The first admin adds the students, a few at a time (each is a password hash).
async fn add_students(base: &str, data: &Path, students: usize) {
    let password = std::fs::read_to_string(data.join("admin-password")).unwrap();
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = json!({"username": "admin", "password": password.trim(), "language": "en"});
    let answer = admin
        .post(format!("{base}/api/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "the admin logs in");
    futures_util::stream::iter(0..students)
        .map(|i| {
            let admin = admin.clone();
            async move {
                let user = json!({"username": student(i), "password": PASSWORD, "role": "user"});
                let answer = admin
                    .post(format!("{base}{}", routes::ADMIN_USERS))
                    .header("x-ezilla-request", "1")
                    .json(&user)
                    .send()
                    .await
                    .unwrap();
                assert!(
                    answer.status().is_success(),
                    "adding {}: {}",
                    student(i),
                    answer.status()
                );
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
}

async fn open_desktop(student: &Student) -> Result<watch::Receiver<String>, String> {
    let events = student.events().await?;
    student.list().await?;
    Ok(events)
}

/// What one student's desktop measured during the lesson.
#[derive(Default)]
struct Seen {
    lists: Vec<Duration>,
    fanout: Vec<Duration>,
    errors: Vec<String>,
}

/// The lesson: lists, consoles and state changes until `size.secs` have passed.
async fn lesson(
    report: &mut Report,
    server: &Server,
    desktops: Vec<(Arc<Student>, watch::Receiver<String>)>,
    socket: &Path,
    size: Size,
) {
    let cpu_before = server.cpu();
    let own_before = server::cpu_of("/proc/self/stat");
    let started = Instant::now();
    let until = tokio::time::Instant::now() + Duration::from_secs(size.secs);
    let count = desktops.len().max(1);
    let consoles: Vec<_> = desktops
        .iter()
        .take(size.consoles)
        .map(|(student, _)| tokio::spawn(watch_console(student.clone(), until)))
        .collect();
    let direct: Vec<_> = (0..DIRECT_READERS)
        .map(|_| tokio::spawn(watch_direct(socket.to_owned(), until)))
        .collect();
    let desks: Vec<_> = desktops
        .into_iter()
        .map(|(student, events)| {
            let share = student.i as f64 / count as f64;
            let phase = LIST_EVERY.mul_f64(share);
            // Each student's change at a moment of its own, spread over the lesson's middle.
            let lesson = Duration::from_secs(size.secs);
            let change_at = tokio::time::Instant::now() + lesson / 10 + lesson.mul_f64(0.8 * share);
            tokio::spawn(desk(student, events, phase, change_at, until))
        })
        .collect();
    for console in consoles {
        match console.await.unwrap() {
            Ok(checker) => {
                report.console_bytes.push(checker.bytes);
                report.console_delays.extend(checker.delays);
            }
            Err(e) => report.errors.push(e),
        }
    }
    for reader in direct {
        match reader.await.unwrap() {
            Ok(checker) => report.direct_delays.extend(checker.delays),
            Err(e) => report.errors.push(e),
        }
    }
    for desk in desks {
        let seen = desk.await.unwrap();
        report.lists.extend(seen.lists);
        report.fanout.extend(seen.fanout);
        report.errors.extend(seen.errors);
    }
    report.lesson = started.elapsed();
    report.cpu = server.cpu().saturating_sub(cpu_before);
    report.load_cpu = server::cpu_of("/proc/self/stat").saturating_sub(own_before);
}

/// A desktop: the list every `LIST_EVERY` from `phase` on, and once, from `change_at`, a
/// suspend and a resume of the student's VM, each timed until the events socket tells of it.
async fn desk(
    student: Arc<Student>,
    mut events: watch::Receiver<String>,
    phase: Duration,
    change_at: tokio::time::Instant,
    until: tokio::time::Instant,
) -> Seen {
    let mut seen = Seen::default();
    let start = tokio::time::Instant::now();
    let mut next = start + phase;
    let mut changed = false;
    while next < until {
        let wake = match changed {
            false => next.min(change_at),
            true => next,
        };
        sleep_until(wake).await;
        if wake == next {
            match student.list().await {
                Ok(took) => seen.lists.push(took),
                Err(e) => seen.errors.push(e),
            }
            next += LIST_EVERY;
        }
        if !changed && tokio::time::Instant::now() >= change_at {
            changed = true;
            for (action, state) in [("suspend", "paused"), ("resume", "running")] {
                match student.change(&mut events, action, state).await {
                    Ok(took) => seen.fanout.push(took),
                    Err(e) => seen.errors.push(e),
                }
            }
        }
    }
    seen
}

/// Reads the student's VNC console until `until`, checking every byte.
async fn watch_console(
    student: Arc<Student>,
    until: tokio::time::Instant,
) -> Result<Checker, String> {
    let mut console = student.console().await?;
    let mut checker = Checker::default();
    let broke = tokio::select! {
        read = console.read(|bytes| checker.feed(bytes)) => read.err(),
        () = sleep_until(until) => return Ok(checker),
    };
    Err(broke.unwrap_or_else(|| "the console ended".into()))
}

/// Reads the synthetic VNC server directly until `until`.
async fn watch_direct(socket: PathBuf, until: tokio::time::Instant) -> Result<Checker, String> {
    let mut conn = UnixStream::connect(&socket)
        .await
        .map_err(|e| e.to_string())?;
    let mut checker = Checker::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        tokio::select! {
            read = conn.read(&mut buf) => match read {
                Ok(n @ 1..) => checker.feed(&buf[..n])?,
                _ => return Err("the synthetic VNC server closed".into()),
            },
            () = sleep_until(until) => return Ok(checker),
        }
    }
}
