//! `ezilla vm ...`: your VMs (every VM, for admins) over the API. A VM is named by its name
//! or its UUID; a name two VMs share (an admin's view) needs the UUID.

use std::time::{Duration, Instant};

use clap::Subcommand;
use reqwest::Method;
use shared::{
    ActionRequest, CreateVm, NewSnapshot, SaveImage, Snapshot, TaskInfo, TaskState, Vm, VmAction,
    VmList, routes,
};

use super::{Api, ClientError, api, table};

/// How long `save-image` waits for its task.
const SAVE_IMAGE_PATIENCE: Duration = Duration::from_secs(3600);

#[derive(Debug, Subcommand)]
pub enum VmCommand {
    /// List VMs.
    List,
    /// Show one VM.
    Show { vm: String },
    /// Create a VM from a template (`ezilla template list`); it starts at once.
    Create {
        name: String,
        #[arg(long)]
        template: String,
        /// Virtual CPUs [default: the template's].
        #[arg(long)]
        cores: Option<u32>,
        /// Memory in MiB [default: the template's].
        #[arg(long)]
        memory_mib: Option<u64>,
        /// The host to place it on (admins) [default: the scheduler's choice].
        #[arg(long)]
        host: Option<String>,
    },
    /// Start a VM that is off.
    Start { vm: String },
    /// Ask the guest to shut down (ACPI).
    Shutdown { vm: String },
    /// Power a VM off at once.
    Poweroff { vm: String },
    /// Ask the guest to reboot.
    Reboot { vm: String },
    /// Pause a running VM.
    Suspend { vm: String },
    /// Resume a paused VM.
    Resume { vm: String },
    /// Delete a VM.
    Delete {
        vm: String,
        /// Delete its disks too.
        #[arg(long)]
        disks: bool,
    },
    /// A VM's snapshots.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Save a VM's disk (it must be off) as a template of your own, and wait until it is.
    SaveImage { vm: String, template: String },
    /// Attach this terminal to a running VM's serial console; Ctrl-] leaves.
    Console { vm: String },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// List a VM's snapshots.
    List { vm: String },
    /// Take a snapshot.
    Create { vm: String, name: String },
    /// Go back to a snapshot.
    Revert { vm: String, name: String },
    /// Delete a snapshot.
    Delete { vm: String, name: String },
}

pub async fn run(command: VmCommand, json: bool) -> Result<(), ClientError> {
    let api = api()?;
    match command {
        VmCommand::List => list(&api, json).await,
        VmCommand::Show { vm } => show(&[find(&api, &vm).await?], json),
        VmCommand::Create {
            name,
            template,
            cores,
            memory_mib,
            host,
        } => {
            let request = CreateVm {
                name,
                template,
                cores,
                memory_mib,
                host,
                user_data: None,
            };
            let vm: Vm = api.json(Method::POST, routes::VMS, Some(&request)).await?;
            show(&[vm], json)
        }
        VmCommand::Start { vm } => act(&api, vm, VmAction::Start).await,
        VmCommand::Shutdown { vm } => act(&api, vm, VmAction::Shutdown).await,
        VmCommand::Poweroff { vm } => act(&api, vm, VmAction::Poweroff).await,
        VmCommand::Reboot { vm } => act(&api, vm, VmAction::Reboot).await,
        VmCommand::Suspend { vm } => act(&api, vm, VmAction::Suspend).await,
        VmCommand::Resume { vm } => act(&api, vm, VmAction::Resume).await,
        VmCommand::Delete { vm, disks } => {
            let vm = find(&api, &vm).await?;
            let path = format!("{}?disks={disks}", routes::fill(routes::VM, &[&vm.uuid]));
            api.call(Method::DELETE, &path, None::<&()>).await?;
            Ok(())
        }
        VmCommand::Snapshot(command) => snapshot(&api, command, json).await,
        VmCommand::SaveImage { vm, template } => save_image(&api, &vm, template, json).await,
        VmCommand::Console { vm } => {
            let vm = find(&api, &vm).await?;
            super::console::attach(&api, &vm).await
        }
    }
}

async fn act(api: &Api, vm: String, action: VmAction) -> Result<(), ClientError> {
    let vm = find(api, &vm).await?;
    let path = routes::fill(routes::VM_ACTION, &[&vm.uuid]);
    api.call(Method::POST, &path, Some(&ActionRequest { action }))
        .await?;
    Ok(())
}

async fn list(api: &Api, json: bool) -> Result<(), ClientError> {
    let list: VmList = api.get(routes::VMS).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list).expect("JSON"));
    } else {
        show(&list.vms, false)?;
    }
    for host in &list.unreachable_hosts {
        eprintln!("warning: host {host} did not answer; its VMs are missing");
    }
    Ok(())
}

/// Prints VMs as a table, or (one VM) as its JSON.
fn show(vms: &[Vm], json: bool) -> Result<(), ClientError> {
    if json {
        let value = match vms {
            [one] => serde_json::to_string_pretty(one),
            many => serde_json::to_string_pretty(many),
        };
        println!("{}", value.expect("JSON"));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = vms
        .iter()
        .map(|vm| {
            vec![
                vm.name.clone(),
                vm.state.name().to_owned(),
                vm.host.clone(),
                vm.cores.to_string(),
                vm.memory_mib.to_string(),
                table::or_dash(vm.owner.clone()),
                table::or_dash((!vm.ips.is_empty()).then(|| vm.ips.join(","))),
                vm.uuid.clone(),
            ]
        })
        .collect();
    let header = [
        "NAME",
        "STATE",
        "HOST",
        "CPUS",
        "MEMORY_MIB",
        "OWNER",
        "IPS",
        "UUID",
    ];
    print!("{}", table::render(&header, &rows));
    Ok(())
}

/// The VM named (or with the UUID) `wanted`, among those the token may see.
pub async fn find(api: &Api, wanted: &str) -> Result<Vm, ClientError> {
    let list: VmList = api.get(routes::VMS).await?;
    if let Some(vm) = list.vms.iter().find(|vm| vm.uuid == wanted) {
        return Ok(vm.clone());
    }
    let mut named = list.vms.into_iter().filter(|vm| vm.name == wanted);
    match (named.next(), named.next()) {
        (Some(vm), None) => Ok(vm),
        (Some(_), Some(_)) => Err(ClientError::new(
            Some(shared::ErrorCode::Conflict),
            format!("more than one VM is named {wanted}: give its UUID"),
        )),
        (None, _) => Err(ClientError::new(
            Some(shared::ErrorCode::NotFound),
            format!("no VM named {wanted}"),
        )),
    }
}

async fn snapshot(api: &Api, command: SnapshotCommand, json: bool) -> Result<(), ClientError> {
    let (vm, name) = match &command {
        SnapshotCommand::List { vm } => (vm, None),
        SnapshotCommand::Create { vm, name }
        | SnapshotCommand::Revert { vm, name }
        | SnapshotCommand::Delete { vm, name } => (vm, Some(name.clone())),
    };
    let uuid = find(api, vm).await?.uuid;
    let all = routes::fill(routes::VM_SNAPSHOTS, &[&uuid]);
    let one = |route| routes::fill(route, &[&uuid, name.as_deref().unwrap_or_default()]);
    match command {
        SnapshotCommand::List { .. } => {
            let snapshots: Vec<Snapshot> = api.get(&all).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&snapshots).expect("JSON")
                );
                return Ok(());
            }
            let rows: Vec<Vec<String>> = snapshots
                .into_iter()
                .map(|s| {
                    let current = if s.current { "*" } else { "" };
                    vec![s.name, s.vm_state, s.created.to_string(), current.into()]
                })
                .collect();
            print!(
                "{}",
                table::render(&["NAME", "VM_STATE", "CREATED", "CURRENT"], &rows)
            );
        }
        SnapshotCommand::Create { name, .. } => {
            let request = NewSnapshot { name };
            api.call(Method::POST, &all, Some(&request)).await?;
        }
        SnapshotCommand::Revert { .. } => {
            api.call(Method::POST, &one(routes::VM_SNAPSHOT_REVERT), None::<&()>)
                .await?;
        }
        SnapshotCommand::Delete { .. } => {
            api.call(Method::DELETE, &one(routes::VM_SNAPSHOT), None::<&()>)
                .await?;
        }
    }
    Ok(())
}

/// Starts the save and follows its task to the end.
async fn save_image(api: &Api, vm: &str, template: String, json: bool) -> Result<(), ClientError> {
    let uuid = find(api, vm).await?.uuid;
    let path = routes::fill(routes::VM_SAVE_IMAGE, &[&uuid]);
    let mut task: TaskInfo = api
        .json(Method::POST, &path, Some(&SaveImage { template }))
        .await?;
    let started = Instant::now();
    let url = routes::fill(routes::TASK, &[&task.id.to_string()]);
    while task.state == TaskState::Running && started.elapsed() < SAVE_IMAGE_PATIENCE {
        tokio::time::sleep(Duration::from_secs(1)).await;
        task = api.get(&url).await?;
        if !json {
            eprint!("\r{:>3}% {}", task.progress, task.message);
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&task).expect("JSON"));
    } else {
        eprintln!();
    }
    match task.state {
        TaskState::Succeeded => Ok(()),
        TaskState::Failed => Err(ClientError::new(None, task.message)),
        TaskState::Running => Err(ClientError::new(None, "still saving; gave up waiting")),
    }
}
