//! Long actions (saving a VM as an image): answered 202 with a task, whose progress and
//! outcome arrive as events and from `GET /api/v1/tasks/{id}`.

use serde::{Deserialize, Serialize};

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Running,
    Succeeded,
    Failed,
}

impl TaskState {
    /// A name for pages to select on (`data-task-state`), in lower case.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

/// A long action and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TaskInfo {
    pub id: u64,
    /// What it does, e.g. "save_image".
    pub kind: String,
    /// The VM it works on.
    pub vm: String,
    pub state: TaskState,
    /// 0-100.
    pub progress: u8,
    /// The step in progress, or the outcome, in words.
    pub message: String,
}

/// `POST /api/v1/vms/{id}/save-image`: copy the VM's disk into a new template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SaveImage {
    /// The new template's name.
    pub template: String,
}

/// What the events WebSocket sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The caller's VM list, whenever it changes.
    Vms(crate::VmList),
    /// The pool's hosts and their capacity, whenever they change (URIs for admins only).
    Hosts { hosts: Vec<crate::HostInfo> },
    /// A task of the caller's moved on.
    Task(TaskInfo),
    /// A sampling round's measurements that the caller may see.
    Metrics(crate::Round),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_serializes_with_its_type() {
        let hosts = Event::Hosts { hosts: Vec::new() };
        let json = serde_json::to_string(&hosts).unwrap();
        assert_eq!(json, r#"{"type":"hosts","hosts":[]}"#);
        let vms = Event::Vms(crate::VmList {
            vms: Vec::new(),
            unreachable_hosts: Vec::new(),
        });
        let json = serde_json::to_string(&vms).unwrap();
        assert_eq!(json, r#"{"type":"vms","vms":[],"unreachable_hosts":[]}"#);
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), vms);
    }
}
