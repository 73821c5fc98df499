//! Cloud Visualizer and graphs in Chromium: hosts with their VMs as tiles, live host graphs
//! for admins (axes, values on hover), a graph dragged onto the desktop stays there as a
//! widget, a tile opens its VM; users see the pool's free capacity and no host graphs.

use std::sync::atomic::{AtomicU32, Ordering};

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use shared::Role;

use super::{drag_to, open_app};
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{PASSWORD, TestServer, frontend_dist},
};

use crate::api::TEST_HOST;

const HOST_MEMORY_CHART: &str =
    ".host-card[data-host='one1'] figure[data-metric='MemoryTotalMib'] svg.chart";

#[tokio::test]
async fn the_cloud_visualizer_shows_the_pool_and_its_graphs_go_onto_the_desktop() {
    let server = TestServer::start_with(&[TEST_HOST], frontend_dist(), |s| {
        s.metrics_interval_secs = 1;
    })
    .await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "cloud-visualizer").await;
    browser
        .find(".host-card[data-host='one1'] .vm-tile[data-vm='test']")
        .await;

    // The host's memory, drawn with its axes; the value under the pointer reads with its unit.
    let chart = browser.find(HOST_MEMORY_CHART).await;
    let memory: f64 = eventually("a measured point", PATIENCE, || async {
        chart.attr("data-last").await.ok()??.parse().ok()
    })
    .await;
    assert!(memory > 0.0);
    let ticks = chart
        .find_all(fantoccini::Locator::Css("text.tick"))
        .await
        .unwrap();
    assert!(ticks.len() >= 5, "y and x labels");
    // The pointer is moved again on each try: a layout that shifts under it (a late tile, a
    // scrollbar) ends the hover, as it would for a user, who would move the mouse again.
    let tries = AtomicU32::new(0);
    let value = eventually("a value under the pointer", PATIENCE, || async {
        let chart = browser.find(HOST_MEMORY_CHART).await;
        let (_, _, width, height) = chart.rectangle().await.ok()?;
        let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element: chart.clone(),
            duration: None,
            x: width / 2.0 - 4.0 - (tries.fetch_add(1, Ordering::Relaxed) % 3) as f64,
            y: -height / 4.0,
        });
        browser.client.perform_actions(hover).await.ok()?;
        let value = chart
            .find(fantoccini::Locator::Css(".chart-value"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (!value.is_empty()).then_some(value)
    })
    .await;
    assert!(
        value.starts_with(&format!("{memory:.0} MiB · ")),
        "the host's {memory} MiB with its unit and time: {value}"
    );

    // The panel's title, carried onto the desktop, makes a graph widget that stays.
    let title = browser
        .find(".host-card[data-host='one1'] .graph-title")
        .await;
    drag_to(&browser, &title, 1100.0, 120.0).await;
    browser
        .find(".graph-widget[data-name='one1'] svg.chart")
        .await;
    let api = server.login("root").await;
    eventually("the widget to be saved", PATIENCE, || async {
        let (_, saved) = api.get("/api/v1/me/desktop").await;
        (saved["desktop"]["widgets"][0]["widget"]["kind"] == "host_graph").then_some(())
    })
    .await;
    browser.client.refresh().await.unwrap();
    browser
        .find(".graph-widget[data-name='one1'] figure[data-metric='CpuPercent'] svg.chart")
        .await;

    // A VM's tile opens it in the VM Manager.
    browser.click(".host-card .vm-tile[data-vm='test']").await;
    browser
        .text_where(
            "section.window[data-window='vm-manager'] .vm-details dd.name",
            |t| t == "test",
        )
        .await;
    browser
        .find("section.window[data-window='vm-manager'] .graph-panel figure[data-metric='MemoryTotalMib'] svg.chart")
        .await;

    // A user sees the pool's free capacity, and no host graphs.
    browser.logout().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "cloud-visualizer").await;
    browser
        .text_where(".visualizer .pool-free", |t| t.contains("free vCPUs"))
        .await;
    browser.find(".host-card[data-host='one1']").await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".graph-panel"))
            .await
            .is_err(),
        "host graphs are for admins"
    );
    browser.close().await;
}
