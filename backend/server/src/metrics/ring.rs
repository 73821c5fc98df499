//! Ring buffers of one subject (a host or a VM): the last hour at one point per sampling
//! round, the last day at one point per `DAY_STEP_SECS` (the mean of what was measured then).
//!
//! Points carry no timestamps: a point's slot *is* its time (slot × step), so a subject holds
//! only `f32` values, NaN where nothing was measured. For a VM (7 metrics) at the default 5 s
//! interval that is 7 × (720 + 720) × 4 B = 40,320 B; see `bytes`.

use shared::Point;

/// Seconds per point of the day range.
pub const DAY_STEP_SECS: u64 = 120;
/// Points in the day range.
pub const DAY_SLOTS: u64 = 24 * 3600 / DAY_STEP_SECS;
/// Seconds the hour range covers.
pub const HOUR_SECS: u64 = 3600;

/// The rings of one subject: `width` metrics per point.
pub struct Rings {
    pub(super) width: usize,
    pub(super) step: u64,
    pub(super) hour: Box<[f32]>,
    pub(super) day: Box<[f32]>,
    /// The hour slot written last (slot = unix seconds / step).
    pub(super) last_slot: u64,
    /// The day bucket being averaged, and its sums and counts per metric.
    pub(super) bucket: u64,
    pub(super) sums: Box<[f32]>,
    pub(super) counts: Box<[u16]>,
}

impl Rings {
    /// Empty rings for `width` metrics sampled every `step` seconds.
    pub fn new(width: usize, step: u64) -> Self {
        Self {
            width,
            step,
            hour: vec![f32::NAN; width * hour_slots(step) as usize].into_boxed_slice(),
            day: vec![f32::NAN; width * DAY_SLOTS as usize].into_boxed_slice(),
            last_slot: 0,
            bucket: 0,
            sums: vec![0.0; width].into_boxed_slice(),
            counts: vec![0; width].into_boxed_slice(),
        }
    }

    /// Bytes these rings hold.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + (self.hour.len() + self.day.len() + self.sums.len()) * 4
            + self.counts.len() * 2
    }

    /// The hour slot written last.
    pub fn last_slot(&self) -> u64 {
        self.last_slot
    }

    /// Records the values measured at hour slot `slot` (`None`: a gap). Slots skipped since
    /// the last one become gaps; an older slot than the last is ignored.
    pub fn record(&mut self, slot: u64, values: &[Option<f64>]) {
        debug_assert_eq!(values.len(), self.width);
        if slot <= self.last_slot && self.last_slot != 0 {
            return;
        }
        let slots = hour_slots(self.step);
        let skipped_from = if self.last_slot == 0 {
            slot
        } else {
            (self.last_slot + 1).max(slot.saturating_sub(slots))
        };
        for gap in skipped_from..slot {
            self.hour_point_mut(gap).fill(f32::NAN);
        }
        for (cell, value) in self.hour_point_mut(slot).iter_mut().zip(values) {
            *cell = value.map_or(f32::NAN, |v| v as f32);
        }
        self.last_slot = slot;
        self.average(slot * self.step / DAY_STEP_SECS, values);
    }

    fn average(&mut self, bucket: u64, values: &[Option<f64>]) {
        if bucket != self.bucket {
            if self.bucket != 0 {
                self.flush();
                let from = (self.bucket + 1).max(bucket.saturating_sub(DAY_SLOTS));
                for gap in from..bucket {
                    self.day_point_mut(gap).fill(f32::NAN);
                }
            }
            self.bucket = bucket;
        }
        for (i, value) in values.iter().enumerate() {
            if let Some(v) = value {
                self.sums[i] += *v as f32;
                self.counts[i] += 1;
            }
        }
    }

    /// Writes the bucket being averaged into the day ring.
    fn flush(&mut self) {
        let means: Vec<f32> = self.means();
        self.day_point_mut(self.bucket).copy_from_slice(&means);
        self.sums.fill(0.0);
        self.counts.fill(0);
    }

    fn means(&self) -> Vec<f32> {
        self.sums
            .iter()
            .zip(&self.counts)
            .map(|(s, n)| if *n == 0 { f32::NAN } else { s / f32::from(*n) })
            .collect()
    }

    /// Metric `metric` over the hour ending at slot `now`, one point per slot.
    pub fn hour(&self, metric: usize, now: u64) -> Vec<Point> {
        let slots = hour_slots(self.step);
        let first = (now + 1).saturating_sub(slots);
        (first..=now)
            .map(|slot| {
                let kept =
                    self.last_slot != 0 && slot <= self.last_slot && slot + slots > self.last_slot;
                let v = if kept {
                    self.hour[self.index(slot, slots, metric)]
                } else {
                    f32::NAN
                };
                point(slot * self.step, v)
            })
            .collect()
    }

    /// Metric `metric` over the day ending at bucket `now` (the last one still being averaged).
    pub fn day(&self, metric: usize, now: u64) -> Vec<Point> {
        let first = (now + 1).saturating_sub(DAY_SLOTS);
        let current = self.means();
        (first..=now)
            .map(|bucket| {
                let v = if self.bucket == 0 || bucket > self.bucket {
                    f32::NAN
                } else if bucket == self.bucket {
                    current[metric]
                } else if bucket + DAY_SLOTS > self.bucket {
                    self.day[self.index(bucket, DAY_SLOTS, metric)]
                } else {
                    f32::NAN
                };
                point(bucket * DAY_STEP_SECS, v)
            })
            .collect()
    }

    fn index(&self, slot: u64, slots: u64, metric: usize) -> usize {
        (slot % slots) as usize * self.width + metric
    }

    fn hour_point_mut(&mut self, slot: u64) -> &mut [f32] {
        let start = self.index(slot, hour_slots(self.step), 0);
        &mut self.hour[start..start + self.width]
    }

    fn day_point_mut(&mut self, bucket: u64) -> &mut [f32] {
        let start = self.index(bucket, DAY_SLOTS, 0);
        &mut self.day[start..start + self.width]
    }
}

/// Points in the hour range at `step` seconds apart.
pub fn hour_slots(step: u64) -> u64 {
    HOUR_SECS.div_ceil(step.max(1))
}

fn point(t: u64, v: f32) -> Point {
    Point {
        t,
        v: (!v.is_nan()).then_some(f64::from(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(points: &[Point]) -> Vec<Option<f64>> {
        points.iter().map(|p| p.v).collect()
    }

    #[test]
    fn skipped_slots_and_gaps_read_as_none() {
        let mut rings = Rings::new(1, 5);
        rings.record(1000, &[Some(1.0)]);
        rings.record(1001, &[None]);
        rings.record(1003, &[Some(3.0)]);
        let hour = rings.hour(0, 1004);
        assert_eq!(hour.len(), 720);
        assert_eq!(hour.last().unwrap().t, 1004 * 5);
        assert_eq!(
            values(&hour[hour.len() - 5..]),
            [Some(1.0), None, None, Some(3.0), None]
        );
        assert!(values(&hour[..hour.len() - 5]).iter().all(Option::is_none));
    }

    #[test]
    fn a_wrapped_ring_forgets_what_is_older_than_an_hour() {
        let mut rings = Rings::new(1, 5);
        rings.record(1000, &[Some(1.0)]);
        rings.record(1000 + 720, &[Some(2.0)]);
        let hour = rings.hour(0, 1000 + 720);
        assert_eq!(values(&hour).iter().flatten().count(), 1);
        // Far later: everything is gone, nothing repeated.
        assert!(
            values(&rings.hour(0, 1000 + 5000))
                .iter()
                .all(Option::is_none)
        );
    }

    #[test]
    fn the_day_holds_means_of_what_was_measured() {
        let mut rings = Rings::new(2, 60);
        // Bucket 100,000 (two minutes): slots 200,000 and 200,001.
        rings.record(200_000, &[Some(10.0), None]);
        rings.record(200_001, &[Some(20.0), None]);
        rings.record(200_002, &[Some(7.0), Some(1.0)]);
        let day = rings.day(0, 100_001);
        assert_eq!(day.len(), DAY_SLOTS as usize);
        assert_eq!(day.last().unwrap().t, 100_001 * DAY_STEP_SECS);
        assert_eq!(values(&day[day.len() - 3..]), [None, Some(15.0), Some(7.0)]);
        assert_eq!(values(&rings.day(1, 100_001)[718..]), [None, Some(1.0)]);
    }
}
