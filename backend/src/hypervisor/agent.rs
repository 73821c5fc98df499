//! What a guest's QEMU agent says of it (its OS), asked once per run of the VM and only when
//! libvirt shows the agent's channel connected, so a guest without an agent costs nothing.

use std::{collections::HashMap, sync::Mutex};

use virt::domain::Domain;

/// How long the agent may take to answer, in seconds.
const AGENT_TIMEOUT_SECS: i32 = 2;

/// The OS each running VM's agent reported, by (UUID, libvirt id): a new run asks again.
#[derive(Default)]
pub struct AgentCache(Mutex<HashMap<(String, u32), String>>);

impl AgentCache {
    /// The guest's OS name as its agent gives it, if the agent is connected and answers.
    pub fn os(&self, dom: &Domain, uuid: &str, id: u32, live_xml: &str) -> Option<String> {
        let key = (uuid.to_owned(), id);
        if let Some(known) = self.0.lock().expect("agent cache").get(&key) {
            return Some(known.clone());
        }
        if !agent_connected(live_xml) {
            return None;
        }
        let answer = dom
            .qemu_agent_command(r#"{"execute":"guest-get-osinfo"}"#, AGENT_TIMEOUT_SECS, 0)
            .ok()?;
        let os = pretty_name(&answer)?;
        self.0.lock().expect("agent cache").insert(key, os.clone());
        Some(os)
    }

    /// Forgets the runs that are over.
    pub fn keep_only(&self, running: &[(String, u32)]) {
        self.0
            .lock()
            .expect("agent cache")
            .retain(|key, _| running.contains(key));
    }
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
