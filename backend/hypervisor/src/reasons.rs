//! The state reasons (the LCM state column) of a host's VMs as last known. libvirt forgets
//! a reason when its daemon restarts (a shut-off VM read "destroyed" before and "unknown"
//! after); the reason seen before the reconnect is still true while the VM stays in the same
//! state, so it is shown again.

use std::collections::HashMap;

use shared::{Vm, VmState};

/// What libvirt says when it does not know why a VM is in its state.
const UNKNOWN: &str = "unknown";

/// Each VM's last known state and the reason it was in it, by UUID.
#[derive(Debug, Default)]
pub struct Reasons(HashMap<String, (VmState, String)>);

impl Reasons {
    /// Fills in forgotten reasons of `vms` from what was known, and remembers the known ones.
    /// VMs no longer listed are forgotten.
    pub fn fill(&mut self, vms: &mut [Vm]) {
        let mut known = HashMap::with_capacity(vms.len());
        for vm in vms.iter_mut() {
            let forgotten = vm.lcm_state.is_empty() || vm.lcm_state == UNKNOWN;
            match self.0.remove(&vm.uuid) {
                Some((state, reason)) if forgotten && state == vm.state => {
                    vm.lcm_state = reason.clone();
                    known.insert(vm.uuid.clone(), (state, reason));
                }
                _ if !forgotten => {
                    known.insert(vm.uuid.clone(), (vm.state, vm.lcm_state.clone()));
                }
                _ => {}
            }
        }
        self.0 = known;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(uuid: &str, state: VmState, reason: &str) -> Vm {
        Vm {
            uuid: uuid.into(),
            state,
            lcm_state: reason.into(),
            ..serde_json::from_value(serde_json::json!({
                "uuid": "", "id": null, "name": "v", "state": "shutoff", "lcm_state": "",
                "cores": 1, "memory_mib": 64, "host": "h"
            }))
            .expect("a VM row")
        }
    }

    #[test]
    fn a_forgotten_reason_comes_back_while_the_state_stays() {
        let mut reasons = Reasons::default();
        let mut before = [
            vm("a", VmState::Shutoff, "destroyed"),
            vm("b", VmState::Running, "booted"),
        ];
        reasons.fill(&mut before);
        // The daemon restarted: both reasons forgotten, and b was stopped meanwhile.
        let mut after = [
            vm("a", VmState::Shutoff, "unknown"),
            vm("b", VmState::Shutoff, "unknown"),
        ];
        reasons.fill(&mut after);
        assert_eq!(after[0].lcm_state, "destroyed");
        assert_eq!(
            after[1].lcm_state, "unknown",
            "a new state's reason is not made up"
        );
        // Remembered across more rounds, and replaced by a new known one.
        let mut later = [vm("a", VmState::Shutoff, "unknown")];
        reasons.fill(&mut later);
        assert_eq!(later[0].lcm_state, "destroyed");
        let mut started = [vm("a", VmState::Running, "booted")];
        reasons.fill(&mut started);
        assert_eq!(started[0].lcm_state, "booted");
    }
}
