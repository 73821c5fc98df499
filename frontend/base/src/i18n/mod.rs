//! Every string of the interface, in English and Traditional Chinese. Each language is an
//! exhaustive `match` over `Key` in its own file, so a key missing in one language does not
//! compile.

mod en;
mod zh_tw;

use leptos::{error::Errors, prelude::*};
use shared::{ErrorCode, Language, TaskInfo, TaskState, VmState};

use crate::api;

/// A translatable string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    LoginTitle,
    Username,
    Password,
    Language,
    LogIn,
    LoggingIn,
    CloseSession,
    VmManager,
    UserAdmin,
    Refresh,
    Loading,
    LoadingVms,
    NoVms,
    OpenVmCreator,
    NoVmsOnHost,
    NoHosts,
    NoMeasurements,
    WelcomeTitle,
    WelcomeText,
    CloseWelcome,
    UnreachableHosts,
    ColId,
    ColName,
    ColState,
    ColCores,
    ColMemory,
    ColHost,
    ColUptime,
    ColOwner,
    ColOs,
    ColIp,
    ColRole,
    ColQuota,
    ServerUnreachable,
    TestDriver,
    Close,
    Minimize,
    Maximize,
    AddUser,
    RoleUser,
    RoleAdmin,
    Delete,
    ResetPassword,
    NewPassword,
    Save,
    Cancel,
    SetQuota,
    MaxVms,
    MaxVcpus,
    MaxMemoryMib,
    MaxDiskGib,
    ConfirmDelete,
    CopyGuestClipboard,
    VmsGoTo,
    Done,
    ColLcm,
    VmCreator,
    Create,
    Start,
    Shutdown,
    PowerOff,
    Reboot,
    Suspend,
    Resume,
    DeleteVm,
    WithDisks,
    ConfirmDeleteVm,
    Template,
    Cores,
    MemoryMib,
    Host,
    Automatic,
    CreateVm,
    Created,
    NoTemplates,
    SharedTemplates,
    MyImages,
    SelectVm,
    Live,
    Name,
    Settings,
    Wallpaper,
    WallpaperUpload,
    WallpaperUploading,
    WallpaperMine,
    WallpaperTooLarge,
    WallpaperWrongType,
    WallpaperUnreadable,
    WallpaperUploadFailed,
    Open,
    Pin,
    Unpin,
    RemoveFromDesktop,
    SaveAsImage,
    NewTemplateName,
    Snapshots,
    TakeSnapshot,
    Revert,
    NoSnapshots,
    SnapshotName,
    StateRunning,
    StateBlocked,
    StatePaused,
    StateShuttingDown,
    StateShutoff,
    StateCrashed,
    StateSuspended,
    StateUnknown,
    VmDeleted,
    VmOutOfReach,
    RemoveWidget,
    AddToDesktop,
    OpenInManager,
    DragToDesktop,
    Details,
    Screen,
    CloudVisualizer,
    MetricCpu,
    MetricMemoryUsed,
    MetricMemoryTotal,
    MetricDiskRead,
    MetricDiskWrite,
    MetricNetRx,
    MetricNetTx,
    RangeHour,
    RangeDay,
    Graphs,
    DragGraphToDesktop,
    HostOffline,
    Unprotected,
    SshKeys,
    Website,
    PopupBlocked,
    OpenInNewTab,
    SshTerminal,
    VmPassword,
    WrongVmPassword,
    GuestOs,
    ForwardedPorts,
    SshKeysHint,
    NoSshKeys,
    AddSshKeyAction,
    GenerateKeypair,
    GeneratedKeyName,
    PrivateKeyDownloaded,
    AccessTokens,
    AccessTokensHint,
    NoAccessTokens,
    CreateToken,
    TokenScopeRead,
    TokenScopeWrite,
    TokenExpires,
    TokenLastUsed,
    TokenNeverUsed,
    TokenShownOnce,
    ApiReference,
    Revoke,
    Days,
    UnprotectedHint,
    GuestsIsolated,
    GuestsOutbound,
    FreeInPool,
    FreeVcpus,
    FreeMemory,
    VmsOnHost,
    SerialConsole,
    ConsoleConnected,
    ConsoleClosed,
    ConsoleRefused,
    ConsoleDropped,
    ConsoleBlocked,
    Reconnect,
    Console,
    CtrlAltDel,
    SendKeys,
    ScaleToWindow,
    FullScreen,
    ViewOnly,
    VncConsole,
    ErrUnreachable,
    ErrBadResponse,
    ErrNotFound,
    ErrBadRequest,
    ErrUnauthorized,
    ErrForbidden,
    ErrBadCredentials,
    ErrTooManyRequests,
    ErrConflict,
    ErrQuotaExceeded,
    ErrInvalidState,
    ErrNoCapacity,
    ErrVersionConflict,
    ErrPreconditionRequired,
    ErrHypervisorUnavailable,
    ErrHypervisorTimeout,
    TaskRunning,
    TaskSucceeded,
    TaskFailed,
    ErrInternal,
    ErrPayloadTooLarge,
    ErrUnsupportedMediaType,
    ErrConsoleLimit,
    Images,
    UploadIso,
    NoIsos,
    Publish,
    FromIso,
    Eject,
    Insert,
    Hosts,
    StoragePools,
    ForceRemove,
    AddHost,
    Templates,
    AddTemplate,
    Edit,
    BootFrom,
    Disk,
    FromNextStart,
}

/// The text of `key` in `lang`.
pub fn text(lang: Language, key: Key) -> &'static str {
    match lang {
        Language::En => en::text(key),
        Language::ZhTw => zh_tw::text(key),
    }
}

/// The interface language, as a context signal.
#[derive(Clone, Copy)]
pub struct I18n {
    pub language: RwSignal<Language>,
}

impl I18n {
    /// The text of `key` in the current language (reactive).
    pub fn t(self, key: Key) -> &'static str {
        text(self.language.get(), key)
    }

    /// A VM state's label (reactive).
    pub fn state(self, state: VmState) -> &'static str {
        self.t(match state {
            VmState::Running => Key::StateRunning,
            VmState::Blocked => Key::StateBlocked,
            VmState::Paused => Key::StatePaused,
            VmState::ShuttingDown => Key::StateShuttingDown,
            VmState::Shutoff => Key::StateShutoff,
            VmState::Crashed => Key::StateCrashed,
            VmState::Suspended => Key::StateSuspended,
            VmState::Unknown => Key::StateUnknown,
        })
    }

    /// How a console ended, for its status line: "Disconnected", with the server's reason
    /// when it gave one, or why it would not open.
    pub fn closed(self, closed: &api::Closed) -> String {
        match closed {
            api::Closed::Ended(reason) if reason.is_empty() => self.t(Key::ConsoleClosed).into(),
            api::Closed::Ended(reason) => format!("{} ({reason})", self.t(Key::ConsoleClosed)),
            api::Closed::Dropped => self.t(Key::ConsoleDropped).into(),
            api::Closed::Blocked => {
                format!(
                    "{}: {}",
                    self.t(Key::ConsoleRefused),
                    self.t(Key::ConsoleBlocked)
                )
            }
            api::Closed::Refused(None) => self.t(Key::ConsoleRefused).into(),
            api::Closed::Refused(Some(error)) => {
                format!("{}: {}", self.t(Key::ConsoleRefused), self.error(error))
            }
        }
    }

    /// What went wrong, for the user (reactive). In English the server's own sentence, which
    /// names the detail; in other languages the code's sentence, with the detail of a
    /// rejected input.
    pub fn error(self, error: &api::Error) -> String {
        let body = match error {
            api::Error::Unreachable => return self.t(Key::ErrUnreachable).to_owned(),
            api::Error::BadResponse(_) => return self.t(Key::ErrBadResponse).to_owned(),
            api::Error::Api(body) => body,
        };
        if self.language.get() == Language::En {
            return body.message.clone();
        }
        let sentence = self.t(error_key(body.code));
        match body.code {
            ErrorCode::BadRequest | ErrorCode::Conflict => {
                format!("{sentence}（{}）", body.message)
            }
            _ => sentence.to_owned(),
        }
    }
}

impl I18n {
    /// What an `ErrorBoundary` caught, for the user (reactive): the first error, in the
    /// user's language when it came from the API.
    pub fn thrown(self, errors: &Errors) -> String {
        errors
            .iter()
            .next()
            .map(|(_, error)| match error.downcast_ref::<api::Error>() {
                Some(error) => self.error(error),
                None => error.to_string(),
            })
            .unwrap_or_default()
    }

    /// A long action's progress in a line (reactive). In English with the server's words,
    /// which name the step or the outcome; otherwise with the state's, and the server's
    /// words only when it failed.
    pub fn task(self, task: &TaskInfo) -> String {
        let kind = match task.kind.as_str() {
            "save_image" => self.t(Key::SaveAsImage),
            other => other,
        };
        let progress = task.progress;
        if self.language.get() == Language::En {
            return format!("{kind}: {} ({progress}%)", task.message);
        }
        match task.state {
            TaskState::Running => format!("{kind}：{}（{progress}%）", self.t(Key::TaskRunning)),
            TaskState::Succeeded => format!("{kind}：{}", self.t(Key::TaskSucceeded)),
            TaskState::Failed => format!("{kind}：{}（{}）", self.t(Key::TaskFailed), task.message),
        }
    }
}

fn error_key(code: ErrorCode) -> Key {
    match code {
        ErrorCode::NotFound => Key::ErrNotFound,
        ErrorCode::BadRequest => Key::ErrBadRequest,
        ErrorCode::Unauthorized => Key::ErrUnauthorized,
        ErrorCode::Forbidden => Key::ErrForbidden,
        ErrorCode::BadCredentials => Key::ErrBadCredentials,
        ErrorCode::TooManyRequests => Key::ErrTooManyRequests,
        ErrorCode::Conflict => Key::ErrConflict,
        ErrorCode::QuotaExceeded => Key::ErrQuotaExceeded,
        ErrorCode::InvalidState => Key::ErrInvalidState,
        ErrorCode::NoCapacity => Key::ErrNoCapacity,
        ErrorCode::VersionConflict => Key::ErrVersionConflict,
        ErrorCode::PreconditionRequired => Key::ErrPreconditionRequired,
        ErrorCode::HypervisorUnavailable => Key::ErrHypervisorUnavailable,
        ErrorCode::HypervisorTimeout => Key::ErrHypervisorTimeout,
        ErrorCode::Internal => Key::ErrInternal,
        ErrorCode::PayloadTooLarge => Key::ErrPayloadTooLarge,
        ErrorCode::UnsupportedMediaType => Key::ErrUnsupportedMediaType,
        ErrorCode::ConsoleLimit => Key::ErrConsoleLimit,
    }
}

pub fn use_i18n() -> I18n {
    expect_context()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_translate_the_login_page() {
        assert_eq!(text(Language::En, Key::LogIn), "Log in");
        assert_eq!(text(Language::ZhTw, Key::LogIn), "登入");
    }
}
