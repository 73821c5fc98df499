//! `ezilla template ...`: the template catalogue (the run command registers the demo guest
//! with `template add --if-missing`).

use anyhow::bail;
use clap::Subcommand;
use shared::{KernelBoot, Template};

use store::{Store, StoreError, templates};

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Add a template: a base volume in a libvirt storage pool, and new VMs' defaults.
    Add {
        name: String,
        /// OS label shown with its VMs.
        #[arg(long)]
        os: String,
        #[arg(long)]
        storage_pool: String,
        #[arg(long)]
        volume: String,
        #[arg(long, default_value_t = 1)]
        cores: u32,
        #[arg(long, default_value_t = 512)]
        memory_mib: u64,
        #[arg(long, default_value_t = 4)]
        disk_gib: u64,
        /// Direct kernel boot: the kernel (needs --initrd and --cmdline too).
        #[arg(long, requires_all = ["initrd", "cmdline"])]
        kernel: Option<String>,
        #[arg(long)]
        initrd: Option<String>,
        #[arg(long)]
        cmdline: Option<String>,
        /// Succeed without change when a template of this name exists.
        #[arg(long)]
        if_missing: bool,
        /// The guest runs cloud-init: its VMs get a NoCloud seed and forwarded SSH and HTTP.
        #[arg(long)]
        cloud_init: bool,
    },
    /// List the templates you may create VMs from, on the Ezilla you logged in to (`ezilla
    /// remote login`); with `--local`, the shared catalogue in this server's database.
    List {
        /// Read this server's database instead of asking the API.
        #[arg(long)]
        local: bool,
        /// Print JSON instead of a table (over the API).
        #[arg(long)]
        json: bool,
    },
    /// Delete a template (VMs made from it keep their disks).
    Delete { name: String },
}

pub async fn run(command: TemplateCommand, store: &Store) -> anyhow::Result<()> {
    match command {
        TemplateCommand::Add {
            name,
            os,
            storage_pool,
            volume,
            cores,
            memory_mib,
            disk_gib,
            kernel,
            initrd,
            cmdline,
            if_missing,
            cloud_init,
        } => {
            let kernel_boot = kernel.map(|kernel| KernelBoot {
                kernel,
                initrd: initrd.unwrap_or_default(),
                cmdline: cmdline.unwrap_or_default(),
            });
            let template = Template {
                name: name.clone(),
                os,
                storage_pool,
                volume,
                cores,
                memory_mib,
                disk_gib,
                kernel_boot,
                cloud_init,
                owner: None,
            };
            match store.templates().insert(&template, None).await {
                Ok(()) => println!("added template {name}"),
                Err(StoreError::Conflict) if if_missing => println!("template {name} exists"),
                Err(StoreError::Conflict) => bail!("template {name} exists already"),
                Err(err) => return Err(err.into()),
            }
        }
        TemplateCommand::List { .. } => {
            for t in store.templates().list(templates::Viewer::Admin).await? {
                println!(
                    "{}\t{}\t{}/{}\t{} vCPU\t{} MiB\t{} GiB\t{}",
                    t.name,
                    t.os,
                    t.storage_pool,
                    t.volume,
                    t.cores,
                    t.memory_mib,
                    t.disk_gib,
                    t.owner.as_deref().unwrap_or("shared")
                );
            }
        }
        TemplateCommand::Delete { name } => {
            if !store.templates().delete(&name).await? {
                bail!("no template {name}");
            }
            println!("deleted template {name}");
        }
    }
    Ok(())
}
