//! Wire types shared by the backend and the WASM frontend: one declaration per type, so the
//! two sides cannot drift apart.

pub mod auth;
pub mod desktop;
pub mod error;
pub mod health;
pub mod host;
pub mod iso;
pub mod keys;
pub mod metrics;
pub mod routes;
pub mod task;
pub mod template;
pub mod terminal;
pub mod tokens;
pub mod vm;
pub mod wallpaper;

pub use auth::{Language, LoginRequest, NewPassword, NewUser, Quota, Role, SetLanguage, User};
pub use desktop::{
    Desktop, IconPlace, Position, VersionedDesktop, Widget, WidgetPlace, WindowPlace,
};
pub use error::{ErrorBody, ErrorCode};
pub use health::{Health, HostHealth, HypervisorKind};
pub use host::{GuestNetwork, HostInfo, NewHost, RemoveHost, StoragePoolInfo, VolumeInfo};
pub use iso::{BootDevice, BootOrder, CdMedia, InstallVm, Iso, IsoUpload};
pub use keys::{GenerateKey, GeneratedKey, NewSshKey, SshKey};
pub use metrics::{History, HostSample, Metric, Point, Range, RangeQuery, Round, Series, VmSample};
pub use task::{Event, SaveImage, TaskInfo, TaskState};
pub use template::{KernelBoot, Template, TemplateDefaults};
pub use tokens::{AccessToken, CreatedAccessToken, NewAccessToken, TokenScope};
pub use vm::{
    ActionRequest, CreateVm, DeleteVm, NewSnapshot, Snapshot, Vm, VmAction, VmList, VmState,
    WebsiteEntry,
};
pub use wallpaper::UploadedWallpaper;
