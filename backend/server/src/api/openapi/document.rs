//! The OpenAPI 3.1 document, built from the route table: every route's method, path, access
//! level, parameters, bodies and error answers; the wire types' schemas (JSON Schema 2020-12,
//! derived from `shared` with schemars) under `components/schemas`.

use std::collections::BTreeMap;

use schemars::{SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};
use shared::ErrorBody;

use super::doc::{Body, Doc};
use crate::api::{Access, Route};

/// The document of `routes`.
pub fn document(routes: &[Route]) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let error = generator.subschema_for::<ErrorBody>().to_value();
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut queries = Vec::new();
    for route in routes {
        let query = route.doc.query.map(|f| f(&mut generator).to_value());
        let operation = operation(route, &mut generator, &error);
        let method = route.method.as_str().to_ascii_lowercase();
        queries.push((route.path, method.clone(), query));
        paths
            .entry(route.path)
            .or_default()
            .insert(method, operation);
    }
    let schemas = generator.take_definitions(true);
    for (path, method, query) in queries {
        let Some(query) = query else { continue };
        let operation = &mut paths.get_mut(path).expect("listed")[&method];
        let parameters = operation["parameters"].as_array_mut().expect("an array");
        parameters.extend(query_parameters(&query, &schemas));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Ezilla",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of Ezilla. Send `Authorization: Bearer <token>` with a \
                personal access token (Settings → Access tokens), or use the browser's session \
                cookie. `x-ezilla-access` says who may call an operation: `public`, `user` \
                (any logged-in user; another user's VM answers 404) or `admin`. A read-only \
                token may call GET operations and the events socket, nothing else. Every \
                error is an `ErrorBody` whose `code` is stable.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                    "description": "A personal access token, `ezilla_...`."},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::session::COOKIE,
                    "description": "The browser's session; state-changing requests also need a \
                        JSON body or the `x-ezilla-request` header."},
            },
        },
    })
}

fn operation(route: &Route, generator: &mut SchemaGenerator, error: &Value) -> Value {
    let Doc {
        summary,
        request,
        status,
        response,
        ..
    } = route.doc;
    let access = match route.access {
        Access::Public => "public",
        Access::User => "user",
        Access::Admin => "admin",
    };
    let mut operation = json!({
        "operationId": operation_id(route),
        "summary": summary,
        "tags": [tag(route.path)],
        "x-ezilla-access": access,
        "parameters": path_parameters(route.path),
        "responses": responses(route, status, content(response, generator), error),
    });
    if route.access == Access::Public {
        operation["security"] = json!([]);
    } else {
        operation["security"] = json!([{"bearer": []}, {"session": []}]);
    }
    if route.websocket {
        operation["x-ezilla-websocket"] = json!(true);
    }
    if let Some(content) = content(request, generator) {
        operation["requestBody"] = json!({"required": true, "content": content});
    }
    operation
}

/// The media types and schemas of a body, if it has one.
fn content(body: Body, generator: &mut SchemaGenerator) -> Option<Value> {
    match body {
        Body::None => None,
        Body::Json(schema) => {
            Some(json!({"application/json": {"schema": schema(generator).to_value()}}))
        }
        Body::Raw(media_type) => Some(json!({media_type: {}})),
    }
}

/// Success, then the errors the route's access and shape allow, then any other error.
fn responses(route: &Route, status: u16, body: Option<Value>, error: &Value) -> Value {
    let error_body =
        |why: &str| json!({"description": why, "content": {"application/json": {"schema": error}}});
    let mut responses = Map::new();
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Success");
    let mut success = json!({"description": reason});
    if let Some(body) = body {
        success["content"] = body;
    }
    responses.insert(status.to_string(), success);
    if route.websocket && route.path != shared::routes::EVENTS {
        let would = "Asked without the upgrade (with the x-ezilla-request header or a token): \
            the console would open.";
        responses.insert("204".into(), json!({"description": would}));
    }
    if route.doc.request.is_some() || route.doc.query.is_some() {
        responses.insert("400".into(), error_body("The request is malformed."));
    }
    if route.access != Access::Public {
        responses.insert("401".into(), error_body("No valid session or token."));
        responses.insert(
            "403".into(),
            error_body(
                "Not allowed: an admin's operation, a read-only token, or a cross-site request.",
            ),
        );
    }
    if route.path.contains('{') {
        responses.insert(
            "404".into(),
            error_body("No such thing, or not the caller's."),
        );
    }
    responses.insert("default".into(), error_body("Any other error."));
    Value::Object(responses)
}

impl Body {
    fn is_some(&self) -> bool {
        !matches!(self, Body::None)
    }
}

/// `{id}` and the like, as required string parameters.
fn path_parameters(path: &str) -> Value {
    let names = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'));
    Value::Array(
        names
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect(),
    )
}

/// A query struct's fields as query parameters (its schema is a reference to a definition).
fn query_parameters(query: &Value, schemas: &Map<String, Value>) -> Vec<Value> {
    let definition = query["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .and_then(|name| schemas.get(name))
        .unwrap_or(query);
    let required: Vec<&str> = definition["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = definition["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, schema)| {
            json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": schema})
        })
        .collect()
}

/// `get_vms_id`: the method and the path's words.
fn operation_id(route: &Route) -> String {
    let words = route
        .path
        .trim_start_matches("/api/v1")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    format!("{}_{words}", route.method.as_str().to_ascii_lowercase())
}

/// The first word of the path after `/api/v1/` (`vms`, `me`, `admin`...).
fn tag(path: &str) -> &str {
    path.trim_start_matches("/api/v1/")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("api")
}
