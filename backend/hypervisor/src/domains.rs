//! Maps libvirt domains to rows of the VM table.

use shared::{Vm, VmState};

use super::{
    agent::{RunCache, RunFacts},
    metadata::{self, VmMetadata},
};
use virt::{
    connect::Connect,
    domain::{Domain, DomainState},
    enumutil::Enum,
    error::{Error, ErrorNumber},
    sys,
};

/// The names of the domains whose XML `wanted` picks. A domain that goes between the list and
/// the look at it (another request deleted it) is not one of them.
pub fn names_where(conn: &Connect, wanted: impl Fn(&str) -> bool) -> Result<Vec<String>, Error> {
    let gone = |e: &Error| matches!(e.code(), Enum::Known(ErrorNumber::NoDomain));
    let mut names = Vec::new();
    for dom in conn.list_all_domains(0)? {
        let looked = dom
            .xml_desc(0)
            .and_then(|desc| wanted(&desc).then(|| dom.name()).transpose());
        match looked {
            Ok(Some(name)) => names.push(name),
            Ok(None) => {}
            Err(e) if gone(&e) => {}
            Err(e) => return Err(e),
        }
    }
    names.sort();
    Ok(names)
}

/// Every domain of a connection, active and inactive, as VM rows of `host` (uptime unset).
pub fn list(conn: &Connect, host: &str, runs: &RunCache) -> Result<Vec<Vm>, Error> {
    // Only QEMU guests can be unprotected or have an agent (the test driver's run nothing).
    let qemu = conn
        .driver_type()
        .is_ok_and(|t| t.eq_ignore_ascii_case("qemu"));
    let rows: Vec<Vm> = conn
        .list_all_domains(0)?
        .iter()
        .map(|dom| row(dom, host, qemu.then_some(runs)))
        .collect::<Result<_, _>>()?;
    let running: Vec<_> = rows
        .iter()
        .filter_map(|vm| Some((vm.uuid.clone(), vm.id?)))
        .collect();
    runs.keep_only(&running);
    Ok(rows)
}

/// One domain as a VM row of `host` (uptime unset); `runs` if the host runs QEMU.
fn row(dom: &Domain, host: &str, runs: Option<&RunCache>) -> Result<Vm, Error> {
    let info = dom.info()?;
    let state = match info.state {
        Enum::Known(state) => vm_state(state),
        Enum::Unknown(_) => VmState::Unknown,
    };
    let lcm_state = dom
        .state()
        .map(|(_, reason)| reason_words(&format!("{reason:?}")))
        .unwrap_or_default();
    let running = matches!(state, VmState::Running | VmState::Blocked | VmState::Paused);
    let meta = metadata(dom);
    let uuid = dom.uuid_string()?;
    let facts = match (runs, running, dom.id()) {
        (Some(runs), true, Some(id)) => runs.facts(dom, &uuid, id),
        _ => RunFacts::default(),
    };
    // Always the maximum: a running guest can shrink its balloon to look small, and would
    // then be counted small against its owner's quota and its host's capacity.
    let memory_kib = info.max_mem;
    Ok(Vm {
        uuid,
        id: dom.id(),
        name: dom.name()?,
        state,
        lcm_state,
        cores: info.nr_virt_cpu,
        memory_mib: memory_kib / 1024,
        host: host.to_owned(),
        uptime_secs: None,
        owner: meta.owner,
        owner_id: meta.owner_id,
        os: meta.os,
        created: meta.created,
        disk_gib: meta.disk_gib,
        ips: if running { addresses(dom) } else { Vec::new() },
        unprotected: facts.unprotected,
        guest_os: facts.guest_os,
        ssh_port: meta.ssh_port,
        http_port: meta.http_port,
    })
}

fn vm_state(state: DomainState) -> VmState {
    match state {
        DomainState::NoState => VmState::Unknown,
        DomainState::Running => VmState::Running,
        DomainState::Blocked => VmState::Blocked,
        DomainState::Paused => VmState::Paused,
        DomainState::Shutdown => VmState::ShuttingDown,
        DomainState::Shutoff => VmState::Shutoff,
        DomainState::Crashed => VmState::Crashed,
        DomainState::PMSuspended => VmState::Suspended,
    }
}

/// libvirt's state reason, from its Rust debug form (`Known(Running(Known(FromSnapshot)))`),
/// in lower-case words (`from snapshot`).
fn reason_words(debug: &str) -> String {
    let innermost = debug
        .trim_end_matches(')')
        .rsplit('(')
        .next()
        .unwrap_or_default();
    let mut words = String::new();
    for (i, c) in innermost.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// The guest's addresses from libvirt's DHCP leases, else from the guest agent; none when
/// neither knows (user-mode networking without an agent).
fn addresses(dom: &Domain) -> Vec<String> {
    [
        sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
        sys::VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT,
    ]
    .into_iter()
    .filter_map(|source| dom.interface_addresses(source, 0).ok())
    .map(|interfaces| {
        interfaces
            .into_iter()
            .filter(|i| i.name != "lo")
            .flat_map(|i| i.addrs.into_iter().map(|a| a.addr))
            .collect::<Vec<_>>()
    })
    .find(|found| !found.is_empty())
    .unwrap_or_default()
}

/// What Ezilla recorded in the domain (owner, OS label, creation time).
fn metadata(dom: &Domain) -> VmMetadata {
    dom.metadata(metadata::KIND_ELEMENT, Some(metadata::NAMESPACE), 0)
        .map(|element| VmMetadata::parse(&element))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{Connect, names_where, reason_words};

    #[test]
    fn reasons_read_as_words() {
        assert_eq!(
            reason_words("Known(Running(Known(FromSnapshot)))"),
            "from snapshot"
        );
        assert_eq!(
            reason_words("Known(Shutoff(Known(Destroyed)))"),
            "destroyed"
        );
        assert_eq!(reason_words("Known(Running(Unknown(42)))"), "42");
    }

    #[test]
    fn a_domain_gone_between_the_list_and_the_look_is_left_out() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let names = ["churn-a", "churn-b"];
        for name in names {
            conn.define_domain_xml(&format!(
                "<domain type='test'><name>{name}</name><memory>1024</memory>\
                 <os><type>hvm</type></os></domain>"
            ))
            .unwrap();
        }
        let doms: Vec<_> = names
            .iter()
            .map(|n| conn.lookup_domain_by_name(n).unwrap())
            .collect();
        // The first of the two looked at deletes the other, as a request would meanwhile.
        let deleted = std::cell::Cell::new(false);
        let found = names_where(&conn, |desc| {
            if !deleted.get()
                && let Some(at) = names.iter().position(|n| desc.contains(n))
            {
                doms[1 - at].undefine().unwrap();
                deleted.set(true);
            }
            names.iter().any(|n| desc.contains(n))
        })
        .expect("a domain that went is not an error");
        assert!(deleted.get());
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
