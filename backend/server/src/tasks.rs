//! Long actions run as tasks: the API answers 202 with the task at once; progress and the
//! outcome go to the task's owner over the events WebSocket and `GET /api/v1/tasks/{id}`.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use shared::{TaskInfo, TaskState};
use tokio::sync::broadcast;

/// Finished tasks kept for `GET /api/v1/tasks/{id}`; older ones are forgotten.
const KEEP: usize = 1_000;

/// A task with the user who started it.
#[derive(Debug, Clone)]
pub struct Owned {
    pub owner: String,
    pub info: TaskInfo,
}

/// All tasks of this server run.
pub struct Tasks {
    next: AtomicU64,
    tasks: Mutex<BTreeMap<u64, Owned>>,
    events: broadcast::Sender<Owned>,
}

impl Default for Tasks {
    fn default() -> Self {
        Self {
            next: AtomicU64::new(1),
            tasks: Mutex::new(BTreeMap::new()),
            events: broadcast::channel(256).0,
        }
    }
}

impl Tasks {
    /// Registers a running task at 0 %.
    pub fn start(&self, owner: &str, kind: &str, vm: &str, message: &str) -> TaskInfo {
        let info = TaskInfo {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            kind: kind.into(),
            vm: vm.into(),
            state: TaskState::Running,
            progress: 0,
            message: message.into(),
        };
        self.put(Owned {
            owner: owner.into(),
            info: info.clone(),
        });
        info
    }

    /// Moves a task on; `Succeeded` and `Failed` end it.
    pub fn update(&self, id: u64, state: TaskState, progress: u8, message: impl Into<String>) {
        let Some(mut task) = self.get(id) else { return };
        task.info.state = state;
        task.info.progress = progress.min(100);
        task.info.message = message.into();
        self.put(task);
    }

    pub fn get(&self, id: u64) -> Option<Owned> {
        self.tasks.lock().expect("tasks lock").get(&id).cloned()
    }

    /// Every change of every task, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<Owned> {
        self.events.subscribe()
    }

    fn put(&self, task: Owned) {
        let mut tasks = self.tasks.lock().expect("tasks lock");
        tasks.insert(task.info.id, task.clone());
        while tasks.len() > KEEP {
            let Some(oldest_done) = tasks
                .iter()
                .find(|(_, t)| t.info.state != TaskState::Running)
                .map(|(id, _)| *id)
            else {
                break;
            };
            tasks.remove(&oldest_done);
        }
        drop(tasks);
        let _ = self.events.send(task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_move_on_and_announce_it() {
        let tasks = Tasks::default();
        let mut events = tasks.subscribe();
        let task = tasks.start("alice", "save_image", "vm-1", "copying");
        tasks.update(task.id, TaskState::Succeeded, 100, "done");
        assert_eq!(events.try_recv().unwrap().info.progress, 0);
        let done = events.try_recv().unwrap();
        assert_eq!(
            (done.owner.as_str(), done.info.state),
            ("alice", TaskState::Succeeded)
        );
        assert_eq!(tasks.get(task.id).unwrap().info.message, "done");
        assert!(tasks.get(task.id + 1).is_none());
    }
}
