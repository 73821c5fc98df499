//! What Ezilla learns of a running QEMU guest once per run, from its live XML: whether it has
//! the isolated layout, and the OS its agent reports (asked only while libvirt shows the
//! agent's channel connected, so a guest without an agent costs nothing). The live XML is
//! read when a run is first seen and then only every `AGENT_RETRY` until the agent answers,
//! not on every look at the host.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use virt::domain::Domain;

use super::layout;

/// How long the agent may take to answer, in seconds.
const AGENT_TIMEOUT_SECS: i32 = 2;
/// How often a run whose agent has not answered yet is looked at again.
const AGENT_RETRY: Duration = Duration::from_secs(30);

/// What one run of a guest is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFacts {
    /// Running with the layout of a version before guest isolation.
    pub unprotected: bool,
    /// The OS its agent reported.
    pub guest_os: Option<String>,
}

/// The facts of each running guest, by (UUID, libvirt id): a new run is looked at afresh.
#[derive(Default)]
pub struct RunCache(Mutex<HashMap<(String, u32), (RunFacts, Instant)>>);

impl RunCache {
    /// The facts of the running guest `dom` (`uuid`, libvirt id `id`).
    pub fn facts(&self, dom: &Domain, uuid: &str, id: u32) -> RunFacts {
        let key = (uuid.to_owned(), id);
        let now = Instant::now();
        if let Some((facts, next_look)) = self.0.lock().expect("run cache").get(&key)
            && (facts.guest_os.is_some() || now < *next_look)
        {
            return facts.clone();
        }
        let Ok(xml) = dom.xml_desc(0) else {
            return RunFacts::default();
        };
        if !layout::is_qemu(&xml) {
            return RunFacts::default();
        }
        let facts = RunFacts {
            unprotected: !layout::is_isolated(&xml),
            guest_os: agent_connected(&xml).then(|| ask_os(dom)).flatten(),
        };
        let entry = (facts.clone(), now + AGENT_RETRY);
        self.0.lock().expect("run cache").insert(key, entry);
        facts
    }

    /// Forgets the runs that are over.
    pub fn keep_only(&self, running: &[(String, u32)]) {
        self.0
            .lock()
            .expect("run cache")
            .retain(|key, _| running.contains(key));
    }
}

/// The OS name the guest's agent gives.
fn ask_os(dom: &Domain) -> Option<String> {
    let answer = dom
        .qemu_agent_command(r#"{"execute":"guest-get-osinfo"}"#, AGENT_TIMEOUT_SECS, 0)
        .ok()?;
    pretty_name(&answer)
}

/// Whether the live XML shows the guest agent's channel connected.
fn agent_connected(domain_xml: &str) -> bool {
    let Ok(doc) = roxmltree::Document::parse(domain_xml) else {
        return false;
    };
    doc.descendants().any(|n| {
        n.has_tag_name("target")
            && n.attribute("name") == Some("org.qemu.guest_agent.0")
            && n.attribute("state") == Some("connected")
    })
}

/// `return.pretty-name` (else `name`) of a `guest-get-osinfo` answer, at most 100 characters.
fn pretty_name(answer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(answer).ok()?;
    let info = value.get("return")?;
    let name = info
        .get("pretty-name")
        .or_else(|| info.get("name"))?
        .as_str()?;
    Some(name.chars().filter(|c| !c.is_control()).take(100).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_comes_from_the_agents_answer() {
        let answer = r#"{"return":{"name":"Debian GNU/Linux","pretty-name":"Debian GNU/Linux 12 (bookworm)"}}"#;
        assert_eq!(
            pretty_name(answer).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(pretty_name("{}"), None);
        let xml = "<domain><devices><channel type='unix'><target type='virtio' \
                   name='org.qemu.guest_agent.0' state='connected'/></channel></devices></domain>";
        assert!(agent_connected(xml));
        assert!(!agent_connected(
            &xml.replace("'connected'", "'disconnected'")
        ));
    }
}
