//! The desktop's applications by name: what the shell shows of each (title, icon, size), and
//! the slug that names an app in the DOM, in saved layouts and to the modules loaded on demand.

use crate::i18n::Key;

/// Every application the desktop can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppKind {
    VmManager,
    VmCreator,
    Visualizer,
    /// The user's ISO library.
    Images,
    Settings,
    UserAdmin,
    /// The hosts of the pool (admins).
    Hosts,
    /// The template catalogue (admins).
    Templates,
    /// A VM's serial console (opened for a VM, not from the launcher).
    SerialConsole,
    /// A VM's graphical (VNC) console (opened for a VM).
    VncConsole,
    /// A shell on a VM over SSH (opened for a VM).
    SshTerminal,
    /// A VM's own website (opened for a VM).
    Website,
}

impl AppKind {
    /// The apps of the launcher and the desktop icons, in launcher order.
    pub const ALL: [AppKind; 8] = [
        AppKind::VmManager,
        AppKind::VmCreator,
        AppKind::Visualizer,
        AppKind::Images,
        AppKind::Settings,
        AppKind::UserAdmin,
        AppKind::Hosts,
        AppKind::Templates,
    ];

    /// The apps a user may open: the admin app only for administrators.
    pub fn available(is_admin: bool) -> impl Iterator<Item = AppKind> {
        Self::ALL
            .into_iter()
            .filter(move |app| is_admin || !app.admin_only())
    }

    fn admin_only(self) -> bool {
        matches!(self, Self::UserAdmin | Self::Hosts | Self::Templates)
    }

    /// A stable identifier, used in the DOM (`data-app`) and, later, in saved layouts.
    pub fn slug(self) -> &'static str {
        match self {
            Self::VmManager => "vm-manager",
            Self::VmCreator => "vm-creator",
            Self::Visualizer => "cloud-visualizer",
            Self::Images => "images",
            Self::Settings => "settings",
            Self::UserAdmin => "user-admin",
            Self::Hosts => "hosts",
            Self::Templates => "templates",
            Self::SerialConsole => "serial-console",
            Self::VncConsole => "vnc-console",
            Self::SshTerminal => "ssh-terminal",
            Self::Website => "website",
        }
    }

    /// The app with this slug.
    pub fn from_slug(slug: &str) -> Option<AppKind> {
        Self::ALL
            .into_iter()
            .chain([
                Self::SerialConsole,
                Self::VncConsole,
                Self::SshTerminal,
                Self::Website,
            ])
            .find(|app| app.slug() == slug)
    }

    /// The app's name, as a translation key.
    pub fn title(self) -> Key {
        match self {
            Self::VmManager => Key::VmManager,
            Self::VmCreator => Key::VmCreator,
            Self::Visualizer => Key::CloudVisualizer,
            Self::Images => Key::Images,
            Self::Settings => Key::Settings,
            Self::UserAdmin => Key::UserAdmin,
            Self::Hosts => Key::Hosts,
            Self::Templates => Key::Templates,
            Self::SerialConsole => Key::SerialConsole,
            Self::VncConsole => Key::VncConsole,
            Self::SshTerminal => Key::SshTerminal,
            Self::Website => Key::Website,
        }
    }

    /// The size a new window of the app opens at (as far as the desktop has room): the VM
    /// Manager wide enough for every column of its table.
    pub fn default_size(self) -> (i32, i32) {
        match self {
            Self::VmManager => (1140, 600),
            Self::Visualizer => (900, 560),
            _ => (760, 480),
        }
    }

    /// The icon's URL under the served assets.
    pub fn icon(self) -> &'static str {
        match self {
            Self::VmManager => "/icons/vm-manager.svg",
            Self::VmCreator => "/icons/vm-creator.svg",
            Self::Visualizer => "/icons/cloud-visualizer.svg",
            Self::Images => "/icons/images.svg",
            Self::Settings => "/icons/settings.svg",
            Self::UserAdmin => "/icons/user-admin.svg",
            Self::Hosts => "/icons/hosts.svg",
            Self::Templates => "/icons/vm-creator.svg",
            Self::SerialConsole | Self::VncConsole | Self::SshTerminal | Self::Website => {
                "/icons/vm-manager.svg"
            }
        }
    }
}
