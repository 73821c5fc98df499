//! The Hosts app in Chromium on test-driver hosts: a bad URI is refused with libvirt's
//! reason; a good one is added, its storage pools browsed with their free space, and removed.

use shared::Role;

use super::open_app;
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer, fixture_host},
};

#[tokio::test]
async fn admins_add_browse_and_remove_hosts() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "hosts").await;
    browser.find(".host-table tr[data-host='one1']").await;

    browser
        .type_into(".add-host input[name='host-name']", "late")
        .await;
    browser
        .type_into(
            ".add-host input[name='host-uri']",
            "test:///nonexistent/h.xml",
        )
        .await;
    browser.click(".add-host button[type='submit']").await;
    browser
        .text_where(".hosts-app .error", |t| {
            t.contains("cannot connect to test:///nonexistent")
        })
        .await;

    browser
        .type_into(
            ".add-host input[name='host-uri']",
            &fixture_host("host-small.xml"),
        )
        .await;
    browser.click(".add-host button[type='submit']").await;
    browser
        .find(".host-table tr[data-host='late'][data-online='true']")
        .await;
    browser
        .click("tr[data-host='late'] button.browse-pools")
        .await;
    browser
        .text_where(
            ".pool-table[data-host='late'] tr[data-pool='images'] .free",
            |t| t.contains(" / ") && t.ends_with(" GiB"),
        )
        .await;
    browser
        .click("tr[data-host='late'] button.remove-host")
        .await;
    testkit::eventually("the host to go", testkit::browser::PATIENCE, || async {
        let gone = browser
            .client
            .find(fantoccini::Locator::Css(".host-table tr[data-host='late']"))
            .await
            .is_err();
        gone.then_some(())
    })
    .await;
    browser.close().await;

    // Users have no Hosts app.
    let user = Browser::start().await;
    user.login(&server.url("/"), "alice", PASSWORD).await;
    user.find(".desktop-icon[data-app='vm-manager']").await;
    assert!(
        user.client
            .find(fantoccini::Locator::Css(".desktop-icon[data-app='hosts']"))
            .await
            .is_err()
    );
    user.close().await;
}
