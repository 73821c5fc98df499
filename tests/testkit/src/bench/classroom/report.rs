//! What a classroom measured, and its summary.

use std::time::Duration;

use super::Size;

/// What the classroom measured.
#[derive(Debug, Default)]
pub struct Report {
    pub size: Option<Size>,
    /// Each login, from asking to being in (tries again on 429 included).
    pub logins: Vec<Duration>,
    /// From the first login asked to the last one in.
    pub logins_took: Duration,
    pub lists: Vec<Duration>,
    /// From asking for a state change to the desktop's events saying it.
    pub fanout: Vec<Duration>,
    /// Each streamed chunk's delay through the proxy, and read directly.
    pub console_delays: Vec<Duration>,
    pub direct_delays: Vec<Duration>,
    /// Bytes checked, per console.
    pub console_bytes: Vec<u64>,
    pub errors: Vec<String>,
    pub idle_rss_kib: u64,
    /// Resident memory once every student is logged in with one desktop open, and with all.
    pub one_desktop_rss_kib: u64,
    pub all_desktops_rss_kib: u64,
    pub peak_rss_kib: u64,
    /// The server's CPU time during the lesson, and the lesson's length.
    pub cpu: Duration,
    pub lesson: Duration,
    /// The load generator's own CPU time during the lesson (the students, the synthetic VNC
    /// servers): it shares the machine's cores with the server.
    pub load_cpu: Duration,
}

/// The `p`th percentile of `times` (zero when there are none).
pub fn pct(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

impl Report {
    /// Memory each student with an open desktop adds, in KiB.
    pub fn per_student_kib(&self) -> u64 {
        let students = self.size.map_or(1, |s| s.students).max(2) as u64 - 1;
        self.all_desktops_rss_kib
            .saturating_sub(self.one_desktop_rss_kib)
            / students
    }

    /// The console's added delay at the `p`th percentile: through the proxy less directly.
    pub fn console_added(&self, p: usize) -> Duration {
        pct(&self.console_delays, p).saturating_sub(pct(&self.direct_delays, p))
    }

    /// The server's CPU use during the lesson, in % of one core.
    pub fn cpu_percent(&self) -> f64 {
        self.cpu.as_secs_f64() / self.lesson.as_secs_f64().max(1e-9) * 100.0
    }

    /// The figures, as the bench prints them.
    pub fn summary(&self) -> String {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        let mib = |kib: u64| kib / 1024;
        let moved: u64 = self.console_bytes.iter().sum();
        let mut out = String::new();
        if let Some(size) = self.size {
            out += &format!(
                "classroom: {} students, {} consoles at {} MB/s, {} s lesson ({} CPUs here)\n",
                size.students,
                size.consoles,
                size.rate / 1_000_000,
                size.secs,
                std::thread::available_parallelism().map_or(0, |n| n.get()),
            );
        }
        out += &format!(
            "  logins: {} in {:.2} s; p50 {}, p99 {}\n",
            self.logins.len(),
            self.logins_took.as_secs_f64(),
            ms(pct(&self.logins, 50)),
            ms(pct(&self.logins, 99))
        );
        out += &format!(
            "  VM list: {} requests, p50 {}, p99 {}\n",
            self.lists.len(),
            ms(pct(&self.lists, 50)),
            ms(pct(&self.lists, 99))
        );
        out += &format!(
            "  events fan-out (state change asked -> desktop told): {} changes, p50 {}, p99 {}\n",
            self.fanout.len(),
            ms(pct(&self.fanout, 50)),
            ms(pct(&self.fanout, 99))
        );
        out += &format!(
            "  consoles: {:.0} MB checked in order; chunk delay p50 {} / p99 {} (read directly \
             {} / {}), added p99 {}\n",
            moved as f64 / 1e6,
            ms(pct(&self.console_delays, 50)),
            ms(pct(&self.console_delays, 99)),
            ms(pct(&self.direct_delays, 50)),
            ms(pct(&self.direct_delays, 99)),
            ms(self.console_added(99))
        );
        out += &format!(
            "  server: CPU {:.0} % of one core during the lesson; RSS idle {} MiB, one desktop \
             {} MiB, all desktops {} MiB ({} KiB per student), peak {} MiB\n",
            self.cpu_percent(),
            mib(self.idle_rss_kib),
            mib(self.one_desktop_rss_kib),
            mib(self.all_desktops_rss_kib),
            self.per_student_kib(),
            mib(self.peak_rss_kib)
        );
        out += &format!(
            "  load generator (this process): CPU {:.0} % of one core during the lesson\n",
            self.load_cpu.as_secs_f64() / self.lesson.as_secs_f64().max(1e-9) * 100.0
        );
        out += &format!("  errors: {}\n", self.errors.len());
        for e in self.errors.iter().take(10) {
            out += &format!("    {e}\n");
        }
        out
    }
}
