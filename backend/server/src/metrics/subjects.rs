//! Every subject's rings, by host name and by VM UUID, and the histories read from them.
//! Subjects that stop being sampled are dropped: VMs no host lists any more after an hour,
//! anything after a day (by then its history is all gaps).

use std::collections::{HashMap, HashSet};

use shared::{History, Metric, Range, Series};

use super::ring::{DAY_STEP_SECS, HOUR_SECS, Rings};

/// What the store holds history of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Host,
    Vm,
}

impl Kind {
    pub fn metrics(self) -> &'static [Metric] {
        match self {
            Kind::Host => &Metric::HOST,
            Kind::Vm => &Metric::VM,
        }
    }
}

/// The rings of every host and VM.
pub struct Subjects {
    pub(super) step: u64,
    /// The hour slot of the latest round.
    pub(super) now: u64,
    pub(super) hosts: HashMap<String, Rings>,
    pub(super) vms: HashMap<String, Rings>,
}

impl Subjects {
    /// An empty store for rounds `step` seconds apart.
    pub fn new(step: u64) -> Self {
        Self {
            step,
            now: 0,
            hosts: HashMap::new(),
            vms: HashMap::new(),
        }
    }

    fn subjects(&mut self, kind: Kind) -> &mut HashMap<String, Rings> {
        match kind {
            Kind::Host => &mut self.hosts,
            Kind::Vm => &mut self.vms,
        }
    }

    /// Records one subject's values (in `kind.metrics()` order) for hour slot `slot`.
    pub fn record(&mut self, kind: Kind, id: &str, slot: u64, values: &[Option<f64>]) {
        let step = self.step;
        let subjects = self.subjects(kind);
        if !subjects.contains_key(id) {
            subjects.insert(id.to_owned(), Rings::new(kind.metrics().len(), step));
        }
        subjects
            .get_mut(id)
            .expect("inserted above")
            .record(slot, values);
    }

    /// Ends the round of hour slot `slot`; `known` are the VMs some host still lists.
    pub fn finish_round(&mut self, slot: u64, known: &HashSet<&str>) {
        self.now = slot;
        let hour = HOUR_SECS / self.step;
        let day = 24 * HOUR_SECS / self.step;
        let fresh = |rings: &Rings, within: u64| rings.last_slot() + within > slot;
        self.vms.retain(|uuid, rings| {
            fresh(rings, hour) || (known.contains(uuid.as_str()) && fresh(rings, day))
        });
        self.hosts.retain(|_, rings| fresh(rings, day));
    }

    /// The history of a subject over `range`; all gaps for one never sampled.
    pub fn history(&self, kind: Kind, id: &str, range: Range) -> History {
        let subjects = match kind {
            Kind::Host => &self.hosts,
            Kind::Vm => &self.vms,
        };
        let width = kind.metrics().len();
        let empty;
        let rings = match subjects.get(id) {
            Some(rings) => rings,
            None => {
                empty = Rings::new(width, self.step);
                &empty
            }
        };
        let (step_secs, now) = match range {
            Range::Hour => (self.step, self.now),
            Range::Day => (DAY_STEP_SECS, self.now * self.step / DAY_STEP_SECS),
        };
        History {
            subject: id.to_owned(),
            step_secs: step_secs as u32,
            series: kind
                .metrics()
                .iter()
                .enumerate()
                .map(|(i, metric)| Series {
                    metric: *metric,
                    points: match range {
                        Range::Hour => rings.hour(i, now),
                        Range::Day => rings.day(i, now),
                    },
                })
                .collect(),
        }
    }

    /// Bytes all the rings hold, and how many subjects.
    pub fn bytes(&self) -> (usize, usize) {
        let all = self.hosts.iter().chain(&self.vms);
        let bytes = all
            .map(|(id, rings)| rings.bytes() + id.capacity() + std::mem::size_of::<String>())
            .sum();
        (bytes, self.hosts.len() + self.vms.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_have_every_metric_and_range() {
        let mut store = Subjects::new(5);
        store.record(Kind::Vm, "u1", 1_000_000, &[Some(50.0); 7]);
        store.finish_round(1_000_000, &HashSet::new());
        let hour = store.history(Kind::Vm, "u1", Range::Hour);
        assert_eq!(hour.step_secs, 5);
        assert_eq!(hour.series.len(), 7);
        assert_eq!(hour.series[0].metric, Metric::CpuPercent);
        assert_eq!(hour.series[0].points.len(), 720);
        assert_eq!(hour.series[0].points.last().unwrap().v, Some(50.0));
        let day = store.history(Kind::Vm, "u1", Range::Day);
        assert_eq!((day.step_secs, day.series[0].points.len()), (120, 720));
        let never = store.history(Kind::Host, "h", Range::Hour);
        assert_eq!(never.series.len(), 3);
        assert!(never.series[0].points.iter().all(|p| p.v.is_none()));
    }

    #[test]
    fn vanished_vms_are_dropped_after_an_hour() {
        let mut store = Subjects::new(5);
        store.record(Kind::Vm, "gone", 1000, &[Some(1.0); 7]);
        store.record(Kind::Vm, "off", 1000, &[Some(1.0); 7]);
        let known = HashSet::from(["off"]);
        store.finish_round(1000 + 719, &known);
        assert_eq!(store.bytes().1, 2);
        store.finish_round(1000 + 720, &known);
        assert_eq!(store.bytes().1, 1, "the VM no host lists is gone");
    }
}
