//! Settings: built-in defaults, then a TOML file, then environment variables and flags.
//! No file is needed; every setting has a flag and an `EZILLA_*` variable (see `ezilla --help`).

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use anyhow::Context;
use clap::{Args, ValueEnum};
use hypervisor::HostSpec;
use serde::Deserialize;
use shared::GuestNetwork;

/// The settings' flags (each also an `EZILLA_*` variable); `cli::Cli` adds the commands.
#[derive(Debug, Args)]
pub struct Flags {
    /// TOML configuration file; its keys are the long flag names with `_` for `-`.
    #[arg(long, env = "EZILLA_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address and port to serve on [default: 127.0.0.1:8080].
    #[arg(long, env = "EZILLA_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Hypervisor hosts as NAME=LIBVIRT_URI, comma-separated. The URI `auto` means local
    /// QEMU (qemu:///system) when libvirtd answers with QEMU, else libvirt's test driver
    /// (test:///default) [default: local=auto].
    #[arg(long = "host", env = "EZILLA_HOSTS", value_delimiter = ',')]
    pub hosts: Vec<HostSpec>,

    /// Directory of the built frontend (Trunk's dist) [default: frontend/dist].
    #[arg(long, env = "EZILLA_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Seconds to wait for a libvirt call before answering that the host timed out [default: 10].
    #[arg(long, env = "EZILLA_LIBVIRT_TIMEOUT_SECS")]
    pub libvirt_timeout_secs: Option<u64>,

    /// Log line format [default: text]. Levels come from RUST_LOG (default `info`).
    #[arg(long, env = "EZILLA_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Seconds between two looks at each host's VMs and capacity [default: 2].
    #[arg(long, env = "EZILLA_REFRESH_SECS")]
    pub refresh_secs: Option<u64>,

    /// Directory of the database and other state [default: data].
    #[arg(long, env = "EZILLA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Minutes of inactivity after which a session ends [default: 60].
    #[arg(long, env = "EZILLA_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<u64>,

    /// Hours after login after which a session ends, however active [default: 12].
    #[arg(long, env = "EZILLA_SESSION_MAX_HOURS")]
    pub session_max_hours: Option<u64>,

    /// Mark the session cookie Secure; set when users reach Ezilla over HTTPS [default: false].
    #[arg(long, env = "EZILLA_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// Default quota of a new user: VMs [default: 5].
    #[arg(long, env = "EZILLA_QUOTA_MAX_VMS")]
    pub quota_max_vms: Option<u32>,

    /// Default quota of a new user: virtual CPUs in all [default: 8].
    #[arg(long, env = "EZILLA_QUOTA_MAX_VCPUS")]
    pub quota_max_vcpus: Option<u32>,

    /// Default quota of a new user: memory in MiB in all [default: 8192].
    #[arg(long, env = "EZILLA_QUOTA_MAX_MEMORY_MIB")]
    pub quota_max_memory_mib: Option<u64>,

    /// Default quota of a new user: disk in GiB in all [default: 100].
    #[arg(long, env = "EZILLA_QUOTA_MAX_DISK_GIB")]
    pub quota_max_disk_gib: Option<u64>,

    /// Seconds between two sampling rounds of host and VM statistics [default: 5].
    #[arg(long, env = "EZILLA_METRICS_INTERVAL_SECS")]
    pub metrics_interval_secs: Option<u64>,

    /// Bearer token that may read the Prometheus metrics at /metrics (admins' sessions may
    /// always) [default: none].
    #[arg(long, env = "EZILLA_METRICS_TOKEN")]
    pub metrics_token: Option<String>,

    /// Seconds a console (VNC or serial) may sit with no traffic either way before it is
    /// closed [default: 900].
    #[arg(long, env = "EZILLA_CONSOLE_IDLE_SECS")]
    pub console_idle_secs: Option<u64>,

    /// Consoles (VNC and serial together) one user may have open at once [default: 4].
    #[arg(long, env = "EZILLA_CONSOLES_PER_USER")]
    pub consoles_per_user: Option<u32>,

    /// The domain under which each VM's website gets an origin of its own,
    /// `UUID.vm.APPS_DOMAIN` (needs wildcard DNS and, for HTTPS, a wildcard certificate;
    /// browsers resolve `*.localhost` by themselves) [default: localhost].
    #[arg(long, env = "EZILLA_APPS_DOMAIN")]
    pub apps_domain: Option<String>,

    /// Events WebSockets (one per open tab) one user may have open at once [default: 8].
    #[arg(long, env = "EZILLA_EVENTS_PER_USER")]
    pub events_per_user: Option<u32>,

    /// Snapshots one VM may have [default: 10].
    #[arg(long, env = "EZILLA_SNAPSHOTS_PER_VM")]
    pub snapshots_per_vm: Option<u32>,

    /// The largest ISO a user may upload, in bytes (it counts in their disk quota too)
    /// [default: 8589934592, 8 GiB].
    #[arg(long, env = "EZILLA_ISO_MAX_BYTES")]
    pub iso_max_bytes: Option<u64>,

    /// The libvirt storage pool that holds uploaded ISOs, made as a directory pool under
    /// /var/lib/libvirt/images on a host that lacks it [default: ezilla-isos].
    #[arg(long, env = "EZILLA_ISO_POOL")]
    pub iso_pool: Option<String>,

    /// Connections open at once, in all; more are closed on arrival [default: 1024].
    #[arg(long, env = "EZILLA_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Connections open at once from one client address (trusted proxies excepted)
    /// [default: 64].
    #[arg(long, env = "EZILLA_MAX_CONNECTIONS_PER_ADDRESS")]
    pub max_connections_per_address: Option<usize>,

    /// Seconds a client has to send a whole request header, from connecting or from the
    /// first byte of a later request on the connection [default: 10].
    #[arg(long, env = "EZILLA_HTTP_HEADER_TIMEOUT_SECS")]
    pub http_header_timeout_secs: Option<u64>,

    /// Seconds a connection may move no bytes either way while none of its requests is being
    /// handled (an idle keep-alive connection, a stalled upload or download) [default: 60].
    #[arg(long, env = "EZILLA_HTTP_IDLE_SECS")]
    pub http_idle_secs: Option<u64>,

    /// Reverse proxies' addresses, comma-separated: only from these is `X-Forwarded-For`
    /// believed (for login throttling), and they are exempt from the per-address connection
    /// cap [default: none].
    #[arg(long, env = "EZILLA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines with key=value fields.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    pub hosts: Vec<HostSpec>,
    pub static_dir: PathBuf,
    pub libvirt_timeout_secs: u64,
    pub log_format: LogFormat,
    pub refresh_secs: u64,
    pub data_dir: PathBuf,
    pub session_idle_minutes: u64,
    pub session_max_hours: u64,
    pub secure_cookies: bool,
    pub quota_max_vms: u32,
    pub quota_max_vcpus: u32,
    pub quota_max_memory_mib: u64,
    pub quota_max_disk_gib: u64,
    pub metrics_interval_secs: u64,
    pub metrics_token: Option<String>,
    pub console_idle_secs: u64,
    pub consoles_per_user: u32,
    pub apps_domain: String,
    pub events_per_user: u32,
    pub snapshots_per_vm: u32,
    pub iso_max_bytes: u64,
    pub iso_pool: String,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    pub http_header_timeout_secs: u64,
    pub http_idle_secs: u64,
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            hosts: vec![HostSpec {
                name: "local".into(),
                uri: "auto".into(),
                guest_network: GuestNetwork::default(),
                vcpu_overcommit: None,
                memory_overcommit: None,
            }],
            static_dir: PathBuf::from("frontend/dist"),
            libvirt_timeout_secs: 10,
            log_format: LogFormat::Text,
            refresh_secs: 2,
            data_dir: PathBuf::from("data"),
            session_idle_minutes: 60,
            session_max_hours: 12,
            secure_cookies: false,
            quota_max_vms: 5,
            quota_max_vcpus: 8,
            quota_max_memory_mib: 8192,
            quota_max_disk_gib: 100,
            metrics_interval_secs: 5,
            metrics_token: None,
            console_idle_secs: 900,
            consoles_per_user: 4,
            apps_domain: "localhost".into(),
            events_per_user: 8,
            snapshots_per_vm: 10,
            iso_max_bytes: shared::iso::DEFAULT_MAX_BYTES,
            iso_pool: "ezilla-isos".into(),
            max_connections: 1024,
            max_connections_per_address: 64,
            http_header_timeout_secs: 10,
            http_idle_secs: 60,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Settings {
    /// Defaults, overlaid by the config file (if any), overlaid by variables and flags.
    pub fn load(cli: &Flags) -> anyhow::Result<Self> {
        let mut settings = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading config file {}", path.display()))?;
                Self::from_toml(&text)
                    .with_context(|| format!("in config file {}", path.display()))?
            }
            None => Self::default(),
        };
        settings.apply(cli);
        anyhow::ensure!(!settings.hosts.is_empty(), "no hypervisor host configured");
        Ok(settings)
    }

    /// Parses a TOML config; missing keys keep their defaults, unknown keys are an error.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        Ok(toml::from_str(text)?)
    }

    fn apply(&mut self, cli: &Flags) {
        if let Some(v) = cli.listen {
            self.listen = v;
        }
        if !cli.hosts.is_empty() {
            self.hosts = cli.hosts.clone();
        }
        if let Some(v) = &cli.static_dir {
            self.static_dir = v.clone();
        }
        if let Some(v) = cli.libvirt_timeout_secs {
            self.libvirt_timeout_secs = v;
        }
        if let Some(v) = cli.log_format {
            self.log_format = v;
        }
        if let Some(v) = &cli.data_dir {
            self.data_dir = v.clone();
        }
        let overrides = [
            (cli.refresh_secs, &mut self.refresh_secs),
            (cli.session_idle_minutes, &mut self.session_idle_minutes),
            (cli.session_max_hours, &mut self.session_max_hours),
            (cli.quota_max_memory_mib, &mut self.quota_max_memory_mib),
            (cli.quota_max_disk_gib, &mut self.quota_max_disk_gib),
            (cli.metrics_interval_secs, &mut self.metrics_interval_secs),
            (cli.console_idle_secs, &mut self.console_idle_secs),
            (
                cli.http_header_timeout_secs,
                &mut self.http_header_timeout_secs,
            ),
            (cli.http_idle_secs, &mut self.http_idle_secs),
        ];
        for (flag, setting) in overrides {
            if let Some(v) = flag {
                *setting = v;
            }
        }
        if let Some(v) = cli.quota_max_vms {
            self.quota_max_vms = v;
        }
        if let Some(v) = cli.quota_max_vcpus {
            self.quota_max_vcpus = v;
        }
        if let Some(v) = cli.consoles_per_user {
            self.consoles_per_user = v;
        }
        if let Some(v) = &cli.apps_domain {
            self.apps_domain = v.clone();
        }
        if let Some(v) = cli.events_per_user {
            self.events_per_user = v;
        }
        if let Some(v) = cli.snapshots_per_vm {
            self.snapshots_per_vm = v;
        }
        if let Some(v) = cli.iso_max_bytes {
            self.iso_max_bytes = v;
        }
        if let Some(v) = &cli.iso_pool {
            self.iso_pool = v.clone();
        }
        if let Some(v) = cli.max_connections {
            self.max_connections = v;
        }
        if let Some(v) = cli.max_connections_per_address {
            self.max_connections_per_address = v;
        }
        if !cli.trusted_proxies.is_empty() {
            self.trusted_proxies = cli.trusted_proxies.clone();
        }
        if let Some(v) = cli.secure_cookies {
            self.secure_cookies = v;
        }
        if let Some(v) = &cli.metrics_token {
            self.metrics_token = Some(v.clone());
        }
    }

    /// How often each host is looked at.
    pub fn refresh_interval(&self) -> Duration {
        Duration::from_secs(self.refresh_secs.max(1))
    }

    /// How often hosts and VMs are sampled.
    pub fn metrics_interval(&self) -> Duration {
        Duration::from_secs(self.metrics_interval_secs.clamp(1, 60))
    }

    /// The SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("ezilla.sqlite")
    }

    /// The quota a new user gets.
    pub fn default_quota(&self) -> shared::Quota {
        shared::Quota {
            max_vms: self.quota_max_vms,
            max_vcpus: self.quota_max_vcpus,
            max_memory_mib: self.quota_max_memory_mib,
            max_disk_gib: self.quota_max_disk_gib,
        }
    }

    /// Session expiry, in seconds.
    pub fn session_expiry(&self) -> store::sessions::Expiry {
        store::sessions::Expiry {
            idle: (self.session_idle_minutes.max(1) * 60) as i64,
            absolute: (self.session_max_hours.max(1) * 3600) as i64,
        }
    }

    /// How long one libvirt call may take.
    pub fn libvirt_timeout(&self) -> Duration {
        Duration::from_secs(self.libvirt_timeout_secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The flags alone, as a command line.
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        flags: Flags,
    }

    fn cli(args: &[&str]) -> Flags {
        Cli::try_parse_from(std::iter::once("ezilla").chain(args.iter().copied()))
            .unwrap()
            .flags
    }

    #[test]
    fn no_file_and_no_flags_gives_the_defaults() {
        assert_eq!(Settings::load(&cli(&[])).unwrap(), Settings::default());
    }

    #[test]
    fn file_overrides_defaults_and_flags_override_file() {
        let file = Settings::from_toml(
            r#"
            listen = "127.0.0.1:9000"
            libvirt_timeout_secs = 3
            [[hosts]]
            name = "one1"
            uri = "test:///default"
            [[hosts]]
            name = "one2"
            uri = "qemu:///system"
            guest_network = "outbound"
            "#,
        )
        .unwrap();
        assert_eq!(file.listen.port(), 9000);
        assert_eq!(file.hosts[0].name, "one1");
        assert_eq!(
            (file.hosts[0].guest_network, file.hosts[1].guest_network),
            (GuestNetwork::Isolated, GuestNetwork::Outbound),
            "isolated unless the file says otherwise"
        );
        assert_eq!(file.static_dir, PathBuf::from("frontend/dist"));

        let mut settings = file;
        settings.apply(&cli(&[
            "--listen",
            "127.0.0.1:9100",
            "--host",
            "a=qemu:///system,b=test:///default",
        ]));
        assert_eq!(settings.listen.port(), 9100);
        assert_eq!(settings.hosts.len(), 2);
        assert_eq!(settings.hosts[1].uri, "test:///default");
        assert_eq!(settings.libvirt_timeout_secs, 3);
    }

    #[test]
    fn unknown_keys_and_bad_hosts_are_errors() {
        assert!(Settings::from_toml("lisen = \"127.0.0.1:1\"").is_err());
        assert!(Cli::try_parse_from(["ezilla", "--host", "nouri"]).is_err());
        assert!(Cli::try_parse_from(["ezilla", "--host", "=test:///default"]).is_err());
    }
}
