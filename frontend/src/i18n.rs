//! Every string of the interface, in English and Traditional Chinese. Each language is an
//! exhaustive `match` over `Key`, so a key missing in one language does not compile.

use leptos::prelude::*;
use shared::Language;

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
    ColRole,
    ColQuota,
    ServerUnreachable,
    TestDriver,
    Close,
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
    SelectVm,
    Live,
    Name,
    SaveAsImage,
    NewTemplateName,
    Snapshots,
    TakeSnapshot,
    Revert,
    NoSnapshots,
    SnapshotName,
}

/// The text of `key` in `lang`.
pub fn text(lang: Language, key: Key) -> &'static str {
    match lang {
        Language::En => en(key),
        Language::ZhTw => zh_tw(key),
    }
}

fn en(key: Key) -> &'static str {
    use Key::*;
    match key {
        LoginTitle => "Log in to Ezilla",
        Username => "Username",
        Password => "Password",
        Language => "Language",
        LogIn => "Log in",
        LoggingIn => "Logging in…",
        CloseSession => "Close Session",
        VmManager => "VM Manager",
        UserAdmin => "User Admin",
        Refresh => "Refresh",
        Loading => "Loading…",
        LoadingVms => "Loading virtual machines…",
        NoVms => "No virtual machines yet.",
        UnreachableHosts => "Not shown: VMs of unreachable hosts",
        ColId => "ID",
        ColName => "Name",
        ColState => "State",
        ColCores => "Cores",
        ColMemory => "Memory",
        ColHost => "Host",
        ColUptime => "Uptime",
        ColOwner => "Owner",
        ColOs => "OS",
        ColRole => "Role",
        ColQuota => "Quota (VMs / vCPUs / MiB / GiB)",
        ServerUnreachable => "Server unreachable",
        TestDriver => "libvirt test driver: simulated VMs",
        Close => "Close",
        AddUser => "Add user",
        RoleUser => "user",
        RoleAdmin => "admin",
        Delete => "Delete",
        ResetPassword => "Reset password",
        NewPassword => "New password",
        Save => "Save",
        Cancel => "Cancel",
        SetQuota => "Quota",
        MaxVms => "VMs",
        MaxVcpus => "vCPUs",
        MaxMemoryMib => "Memory (MiB)",
        MaxDiskGib => "Disk (GiB)",
        ConfirmDelete => "Delete this user?",
        Done => "Saved.",
        ColLcm => "LCM state",
        VmCreator => "VM Creator",
        Create => "Create",
        Start => "Start",
        Shutdown => "Shutdown",
        PowerOff => "Power off",
        Reboot => "Reboot",
        Suspend => "Suspend",
        Resume => "Resume",
        DeleteVm => "Delete",
        WithDisks => "with disks",
        ConfirmDeleteVm => "Delete this VM?",
        Template => "Template",
        Cores => "Cores",
        MemoryMib => "Memory (MiB)",
        Host => "Host",
        Automatic => "Automatic (most free memory)",
        CreateVm => "Create VM",
        Created => "Created",
        NoTemplates => "No templates yet: an administrator adds them.",
        SelectVm => "Select a VM in the table.",
        Live => "live",
        Name => "Name",
        SaveAsImage => "Save as image",
        NewTemplateName => "Name of the new template:",
        Snapshots => "Snapshots",
        TakeSnapshot => "Take snapshot",
        Revert => "Revert",
        NoSnapshots => "No snapshots.",
        SnapshotName => "Snapshot name",
    }
}

fn zh_tw(key: Key) -> &'static str {
    use Key::*;
    match key {
        LoginTitle => "登入 Ezilla",
        Username => "使用者名稱",
        Password => "密碼",
        Language => "語言",
        LogIn => "登入",
        LoggingIn => "登入中…",
        CloseSession => "結束工作階段",
        VmManager => "虛擬機管理",
        UserAdmin => "使用者管理",
        Refresh => "重新整理",
        Loading => "載入中…",
        LoadingVms => "正在載入虛擬機…",
        NoVms => "尚無虛擬機。",
        UnreachableHosts => "未顯示：無法連線的主機上的虛擬機",
        ColId => "編號",
        ColName => "名稱",
        ColState => "狀態",
        ColCores => "核心",
        ColMemory => "記憶體",
        ColHost => "主機",
        ColUptime => "運行時間",
        ColOwner => "擁有者",
        ColOs => "作業系統",
        ColRole => "角色",
        ColQuota => "配額（虛擬機 / vCPU / MiB / GiB）",
        ServerUnreachable => "無法連線到伺服器",
        TestDriver => "libvirt 測試驅動程式：模擬的虛擬機",
        Close => "關閉",
        AddUser => "新增使用者",
        RoleUser => "使用者",
        RoleAdmin => "管理員",
        Delete => "刪除",
        ResetPassword => "重設密碼",
        NewPassword => "新密碼",
        Save => "儲存",
        Cancel => "取消",
        SetQuota => "配額",
        MaxVms => "虛擬機",
        MaxVcpus => "vCPU",
        MaxMemoryMib => "記憶體（MiB）",
        MaxDiskGib => "磁碟（GiB）",
        ConfirmDelete => "確定要刪除這位使用者嗎？",
        Done => "已儲存。",
        ColLcm => "LCM 狀態",
        VmCreator => "建立虛擬機",
        Create => "建立",
        Start => "開機",
        Shutdown => "關機",
        PowerOff => "強制關機",
        Reboot => "重新開機",
        Suspend => "暫停",
        Resume => "繼續",
        DeleteVm => "刪除",
        WithDisks => "連同磁碟",
        ConfirmDeleteVm => "確定要刪除這台虛擬機嗎？",
        Template => "範本",
        Cores => "核心",
        MemoryMib => "記憶體（MiB）",
        Host => "主機",
        Automatic => "自動（記憶體最多者）",
        CreateVm => "建立虛擬機",
        Created => "已建立",
        NoTemplates => "尚無範本：請管理員新增。",
        SelectVm => "請在表格中選擇一台虛擬機。",
        Live => "即時",
        Name => "名稱",
        SaveAsImage => "另存為映像檔",
        NewTemplateName => "新範本的名稱：",
        Snapshots => "快照",
        TakeSnapshot => "建立快照",
        Revert => "還原",
        NoSnapshots => "沒有快照。",
        SnapshotName => "快照名稱",
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
