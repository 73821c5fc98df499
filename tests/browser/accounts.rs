//! Logging in and out in the browser, the language picked at login, and the admin app.

use fantoccini::Locator;
use shared::{Language, Role};

use super::open_app;
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer},
};

#[tokio::test]
async fn wrong_password_then_login_then_logout_kills_the_session() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;

    browser
        .login(&server.url("/"), "alice", "not her password")
        .await;
    let message = browser
        .text_where(".login-card .error", |t| !t.is_empty())
        .await;
    assert_eq!(message, "Wrong username or password.");

    browser
        .type_into("input[name='password']", &format!("{PASSWORD}\u{E007}"))
        .await;
    browser.text_where(".taskbar .user", |t| t == "alice").await;
    let cookie = browser
        .client
        .get_named_cookie("ezilla_session")
        .await
        .unwrap();
    let token = cookie.value().to_owned();
    let me_with = |token: String| {
        let url = server.url("/api/v1/me");
        async move {
            reqwest::Client::new()
                .get(url)
                .header("cookie", format!("ezilla_session={token}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me_with(token.clone()).await, 200);

    browser.logout().await;
    assert_eq!(
        me_with(token).await,
        401,
        "the old cookie is dead on the server"
    );
    browser.client.refresh().await.unwrap();
    browser.find(".login-card").await;
    browser.close().await;
}

#[tokio::test]
async fn the_language_picked_at_login_is_saved_and_used_everywhere() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser
        .text_where(".login-card h1", |t| t == "Log in to Ezilla")
        .await;

    browser
        .find("select[name='language']")
        .await
        .select_by_value("zh-TW")
        .await
        .unwrap();
    browser
        .text_where(".login-card h1", |t| t == "登入 Ezilla")
        .await;
    browser
        .text_where(".login-card button[type='submit']", |t| t == "登入")
        .await;

    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser
        .text_where(".taskbar button.logout", |t| t == "結束工作階段")
        .await;
    let icon = browser
        .text_where(".desktop-icon[data-app='vm-manager'] span", |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(icon, "虛擬機管理");
    open_app(&browser, "vm-manager").await;
    browser
        .text_where("section.window button.refresh", |t| t == "重新整理")
        .await;
    browser
        .text_where("section.window .title", |t| t == "虛擬機管理")
        .await;

    let alice = server
        .state
        .auth
        .store
        .users()
        .by_name("alice")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        alice.user.language,
        Language::ZhTw,
        "saved as the user's language"
    );

    // After logout, and after a reload, the login page stays in the user's language.
    browser.click(".taskbar button.logout").await;
    browser
        .text_where(".login-card h1", |t| t == "登入 Ezilla")
        .await;
    browser.client.refresh().await.unwrap();
    browser
        .text_where(".login-card h1", |t| t == "登入 Ezilla")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn only_admins_get_the_user_admin_app_and_it_adds_users() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser.find(".desktop-icon[data-app='vm-manager']").await;
    assert!(
        browser
            .client
            .find(Locator::Css(".desktop-icon[data-app='user-admin']"))
            .await
            .is_err(),
        "a plain user has no User Admin icon"
    );
    browser.close().await;

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "user-admin").await;
    browser.find(".user-table tr[data-user='alice']").await;
    browser
        .type_into("input[name='new-username']", "carol")
        .await;
    browser
        .type_into("input[name='new-password']", "carols-password")
        .await;
    browser.click("form.add-user button[type='submit']").await;
    browser.find(".user-table tr[data-user='carol']").await;

    // Bad input gets a clear message and loses nothing.
    browser
        .type_into("input[name='new-username']", "carol")
        .await;
    browser
        .type_into("input[name='new-password']", "carols-password")
        .await;
    browser.click("form.add-user button[type='submit']").await;
    let message = browser
        .text_where(".user-admin .error", |t| !t.is_empty())
        .await;
    assert!(message.contains("exists already"), "{message}");
    browser.find(".user-table tr[data-user='carol']").await;
    browser.close().await;
}
