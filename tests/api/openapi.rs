//! `/api/v1/openapi.json`: every route of the table is in the document as the table says it
//! (method, path, access, WebSocket, bodies, path parameters) and nothing else is; the document
//! is valid OpenAPI 3.1 by PyPI's openapi-spec-validator; the reference page reads it.

use std::process::Command;

use ezilla::{
    api::{openapi::Body, routes},
    auth::Access,
};
use serde_json::Value;

use testkit::server::TestServer;

/// scripts/install.sh's venv of the API's test tools.
pub fn api_tool(name: &str) -> String {
    let tools = std::env::var("EZILLA_TOOLS_DIR").unwrap_or_else(|_| "/opt/ezilla-tools".into());
    let path = format!("{tools}/api-venv/bin/{name}");
    assert!(
        std::path::Path::new(&path).is_file(),
        "{path} is missing: run scripts/install.sh"
    );
    path
}

async fn document(server: &TestServer) -> Value {
    let (status, document) = server.anonymous().get(shared::routes::OPENAPI).await;
    assert_eq!(status, 200);
    document
}

#[tokio::test]
async fn the_document_has_every_route_of_the_table_as_the_table_says() {
    let server = TestServer::api(&[crate::api::TEST_HOST]).await;
    let document = document(&server).await;
    assert_eq!(document["openapi"], "3.1.0");
    let table = routes();
    let mut operations = 0;
    for (_, item) in document["paths"].as_object().unwrap() {
        operations += item.as_object().unwrap().len();
    }
    assert_eq!(operations, table.len(), "one operation per route, no more");
    for route in &table {
        let method = route.method.as_str().to_ascii_lowercase();
        let what = format!("{} {}", route.method, route.path);
        let operation = &document["paths"][route.path][&method];
        assert!(operation.is_object(), "{what} is missing");
        let access = match route.access {
            Access::Public => "public",
            Access::User => "user",
            Access::Admin => "admin",
        };
        assert_eq!(operation["x-ezilla-access"], access, "{what}");
        assert_eq!(
            operation["x-ezilla-websocket"] == true,
            route.websocket,
            "{what}"
        );
        assert!(!route.doc.summary.is_empty(), "{what} has no summary");
        assert!(
            route.doc.status != 0,
            "{what}: its answer is not documented"
        );
        let success = &operation["responses"][route.doc.status.to_string()];
        assert!(success.is_object(), "{what}: {}", operation["responses"]);
        assert_eq!(
            !matches!(route.doc.request, Body::None),
            operation["requestBody"].is_object(),
            "{what}"
        );
        let in_path: Vec<&str> = route
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let documented: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(documented, in_path, "{what}");
        if route.access != Access::Public {
            assert!(operation["responses"]["401"].is_object(), "{what}");
        }
    }
    // Each schema a route names is defined.
    let text = document.to_string();
    for name in [
        "CreateVm",
        "Vm",
        "VmList",
        "ErrorBody",
        "AccessToken",
        "Template",
    ] {
        assert!(
            document["components"]["schemas"][name].is_object(),
            "{name}"
        );
    }
    assert!(
        !text.contains("#/$defs"),
        "references point into components"
    );
}

#[tokio::test]
async fn the_document_is_valid_openapi_and_the_reference_page_reads_it() {
    let server = TestServer::api(&[crate::api::TEST_HOST]).await;
    let document = document(&server).await;
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), document.to_string()).unwrap();
    let check = Command::new(api_tool("openapi-spec-validator"))
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    let page = reqwest::get(server.url(shared::routes::API_DOCS))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains(shared::routes::OPENAPI),
        "the page reads the document"
    );
    assert!(!html.contains("https://"), "nothing from a CDN");
}
