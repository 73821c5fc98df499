//! What every request handler can reach, and how the server gathers it at start.

use std::{path::PathBuf, sync::Arc, time::Duration};

use hypervisor::Pool;
use store::Store;

use crate::{
    api, auth, auth::Auth, config::Settings, connections, decode, hosts, metrics, owners, ssh,
    tasks, wallpaper, website,
};

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The hypervisor hosts, and the only way to libvirt.
    pub pool: Arc<Pool>,
    /// Accounts, sessions and the database behind them.
    pub auth: Arc<Auth>,
    /// Long actions in progress and recently done.
    pub tasks: Arc<tasks::Tasks>,
    /// Serialized VM lists per viewer, for the pool's current epoch.
    pub vm_lists: Arc<api::ListCache>,
    /// Screenshots of the last second, by VM and width.
    pub screenshots: Arc<api::ScreenshotCache>,
    /// Users' uploaded wallpapers, under the data directory.
    pub wallpapers: Arc<wallpaper::Wallpapers>,
    /// Host and VM statistics (history, live rounds) and the Prometheus figures.
    pub monitor: Arc<metrics::Monitor>,
    /// Per user: held while a quota is checked and what it counts is made.
    pub quota_locks: Arc<api::UserLocks>,
    /// Per user: held while one of their images is being saved (one at a time).
    pub image_saves: Arc<api::UserLocks>,
    /// Turns for image work (wallpaper uploads, screenshots).
    pub decodes: Arc<decode::DecodeGate>,
    /// Open events sockets per user and their limit (`events_per_user`); the idle time is
    /// unused (the socket lives as long as its session).
    pub event_sockets: Arc<api::console::Consoles>,
    /// Open consoles per user, their limit and idle timeout.
    pub consoles: Arc<api::console::Consoles>,
    /// The built frontend (Trunk's `dist`), served as the SPA.
    pub static_dir: PathBuf,
    /// The VMs' websites: their domain and who may see which.
    pub sites: Arc<website::Sites>,
    /// The server's own SSH key of each user (the SSH terminal logs in with it).
    pub identities: Arc<ssh::Identities>,
    /// The ISO library's largest upload and storage pool.
    pub isos: api::IsoLimits,
    /// Snapshots one VM may have (`snapshots_per_vm`).
    pub snapshots_per_vm: usize,
    /// The bounds on HTTP connections, and the proxies whose `X-Forwarded-For` is believed.
    pub conn_limits: connections::ConnLimits,
}

impl AppState {
    /// Opens the database (creating the first admin if it is empty), connects the configured
    /// hosts (resolving `auto`) and gathers the state.
    pub async fn start(settings: &Settings) -> anyhow::Result<Self> {
        let store = Store::open(&settings.database_path())?;
        auth::bootstrap::ensure_admin(&store, &settings.data_dir, settings.default_quota()).await?;
        // Computes the dummy hash now, so the first unknown-user login costs what others do.
        tokio::task::spawn_blocking(|| auth::password::verify_against_nobody("")).await?;
        let pool = Arc::new(hosts::start_pool(settings, &store).await?);
        owners::migrate(&pool, &store).await;
        api::forget_unfinished(&pool, &store).await;
        let monitor = metrics::Monitor::new(
            settings.metrics_interval(),
            settings.metrics_token.clone(),
            Some(&settings.data_dir),
        );
        monitor.start(&pool, settings.libvirt_timeout());
        let auth = Arc::new(Auth {
            store,
            throttle: Default::default(),
            expiry: settings.session_expiry(),
            default_quota: settings.default_quota(),
            secure_cookies: settings.secure_cookies,
            sessions: Default::default(),
            hashing: auth::password::HashGate::start(),
        });
        auth::cache::watch_other_writers(Arc::downgrade(&auth));
        Ok(Self {
            pool,
            monitor,
            auth,
            tasks: Default::default(),
            vm_lists: Default::default(),
            screenshots: Default::default(),
            wallpapers: Arc::new(wallpaper::Wallpapers::new(&settings.data_dir)),
            decodes: Default::default(),
            quota_locks: Default::default(),
            image_saves: Default::default(),
            consoles: Arc::new(api::console::Consoles::new(
                Duration::from_secs(settings.console_idle_secs.max(1)),
                settings.consoles_per_user as usize,
            )),
            event_sockets: Arc::new(api::console::Consoles::new(
                Duration::MAX,
                settings.events_per_user.max(1) as usize,
            )),
            static_dir: settings.static_dir.clone(),
            sites: Arc::new(website::Sites {
                apps_domain: settings.apps_domain.clone(),
                grants: Default::default(),
            }),
            identities: Arc::new(ssh::Identities::open(&settings.data_dir)?),
            snapshots_per_vm: settings.snapshots_per_vm as usize,
            isos: api::IsoLimits {
                max_bytes: settings.iso_max_bytes,
                storage_pool: settings.iso_pool.clone(),
                uploads: Default::default(),
            },
            conn_limits: connections::ConnLimits {
                max_connections: settings.max_connections.max(1),
                per_address: settings.max_connections_per_address.max(1),
                header_timeout: Duration::from_secs(settings.http_header_timeout_secs.max(1)),
                idle: Duration::from_secs(settings.http_idle_secs.max(1)),
                trusted_proxies: settings.trusted_proxies.clone().into(),
            },
        })
    }
}
