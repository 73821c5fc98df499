//! A metrics history kept current while it shows: fetched once, then each live round (pushed
//! by the server) adds its point and the oldest falls off, so the window keeps its length.
//! The day's history, at one point per few minutes, is fetched again now and then instead.

use std::time::Duration;

use leptos::prelude::*;
use shared::{History, Metric, Point, Range, Round};

use crate::{
    api::{self, Subject},
    state::live::use_live,
};

/// How often the day's history is fetched again.
const DAY_REFRESH: Duration = Duration::from_secs(60);

/// A metrics history kept current while it shows.
#[derive(Clone, Copy)]
pub struct LiveHistory {
    /// The fetch of the history, and how it went (what it brought is in `history`).
    pub loaded: LocalResource<Result<(), api::Error>>,
    /// The history as last fetched, with each round since added.
    pub history: RwSignal<Option<History>>,
}

/// The history of `subject` over `range`, fetched now and kept current.
pub fn live_history(subject: Subject, range: Range) -> LiveHistory {
    let history = RwSignal::new(None);
    let loaded = LocalResource::new({
        let subject = subject.clone();
        move || {
            let subject = subject.clone();
            async move {
                history.set(Some(api::history(&subject, range).await?));
                Ok(())
            }
        }
    });
    match range {
        Range::Hour => {
            let live = use_live();
            Effect::new(move || {
                if let Some(round) = live.round.get() {
                    history.update(|h| {
                        if let Some(h) = h {
                            extend(h, &subject, &round);
                        }
                    });
                }
            });
        }
        Range::Day => {
            if let Ok(ticker) = set_interval_with_handle(move || loaded.refetch(), DAY_REFRESH) {
                on_cleanup(move || ticker.clear());
            }
        }
    }
    LiveHistory { loaded, history }
}

/// The points of `metric` in `history`.
pub fn series(history: &History, metric: Metric) -> Vec<Point> {
    history
        .series
        .iter()
        .find(|s| s.metric == metric)
        .map(|s| s.points.clone())
        .unwrap_or_default()
}

/// Adds `round`'s point to every series of `history` (a gap if the round has no sample of
/// `subject`), dropping the oldest, unless the history already reaches past the round.
fn extend(history: &mut History, subject: &Subject, round: &Round) {
    let value = |metric| match subject {
        Subject::Host(name) => round
            .hosts
            .iter()
            .find(|s| s.host == *name)
            .and_then(|s| s.value(metric)),
        Subject::Vm(uuid) => round
            .vms
            .iter()
            .find(|s| s.uuid == *uuid)
            .and_then(|s| s.value(metric)),
    };
    for series in &mut history.series {
        if series.points.last().is_some_and(|p| p.t >= round.t) {
            continue;
        }
        series.points.push(Point {
            t: round.t,
            v: value(series.metric),
        });
        if series.points.len() > 1 {
            series.points.remove(0);
        }
    }
}
