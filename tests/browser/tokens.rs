//! Settings → Access tokens: a token made in the desktop is shown once and works as a bearer
//! token with the scope picked; revoked there, it stops working at once.

use shared::Role;

use super::open_app;
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer},
};

#[tokio::test]
async fn a_token_made_in_settings_works_until_revoked_there() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "settings").await;
    browser.find(".access-tokens .empty").await;
    browser
        .type_into("input[name='token-name']", "laptop")
        .await;
    browser
        .find("select[name='token-scope']")
        .await
        .select_by_value("write")
        .await
        .unwrap();
    browser.click(".create-token button[type='submit']").await;
    let secret = browser
        .text_where(".access-tokens .new-token", |t| t.starts_with("ezilla_"))
        .await;
    browser
        .text_where(".token-list li .token-name", |t| t == "laptop")
        .await;

    let tool = server.with_token(&secret);
    let (status, me) = tool.get("/api/v1/me").await;
    assert_eq!((status, me["username"].as_str()), (200, Some("alice")));
    let (_, tokens) = tool.get("/api/v1/me/tokens").await;
    assert_eq!(tokens[0]["scope"], "write", "the scope picked: {tokens}");
    assert_eq!(tokens[0]["name"], "laptop");

    browser.click(".token-list li .revoke-token").await;
    browser.find(".access-tokens .empty").await;
    assert_eq!(tool.get("/api/v1/me").await.0, 401, "revoked at once");
    browser.close().await;
}
