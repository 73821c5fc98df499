//! What the OpenAPI document says of a route, declared with the route in its table:
//! `Route::new(...).summary("...").takes::<CreateVm>().returns::<Vm>(201)`.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::super::Route;

/// Makes the schema of a type, registering the types it names.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// A request's or a response's body.
#[derive(Clone, Copy, Default)]
pub enum Body {
    #[default]
    None,
    /// JSON of this schema.
    Json(SchemaFn),
    /// Bytes of this media type (an image, Prometheus' text).
    Raw(&'static str),
}

/// A route's documentation.
#[derive(Clone, Copy, Default)]
pub struct Doc {
    pub summary: &'static str,
    pub request: Body,
    /// The query string's parameters, as the fields of a struct.
    pub query: Option<SchemaFn>,
    /// The status of success; 0 until documented.
    pub status: u16,
    pub response: Body,
}

impl Route {
    /// What the route does, in a line.
    pub(in crate::api) fn summary(mut self, summary: &'static str) -> Self {
        self.doc.summary = summary;
        self
    }

    /// It takes a JSON body of `T`.
    pub(in crate::api) fn takes<T: JsonSchema>(mut self) -> Self {
        self.doc.request = Body::Json(schema_of::<T>);
        self
    }

    /// It takes a body of raw bytes of `media_type`.
    pub(in crate::api) fn takes_raw(mut self, media_type: &'static str) -> Self {
        self.doc.request = Body::Raw(media_type);
        self
    }

    /// Its query string holds the fields of `T`.
    pub(in crate::api) fn query<T: JsonSchema>(mut self) -> Self {
        self.doc.query = Some(schema_of::<T>);
        self
    }

    /// It answers `status` with a JSON body of `T`.
    pub(in crate::api) fn returns<T: JsonSchema>(mut self, status: u16) -> Self {
        self.doc.status = status;
        self.doc.response = Body::Json(schema_of::<T>);
        self
    }

    /// It answers `status` with bytes of `media_type`.
    pub(in crate::api) fn returns_raw(mut self, status: u16, media_type: &'static str) -> Self {
        self.doc.status = status;
        self.doc.response = Body::Raw(media_type);
        self
    }

    /// It answers 204 No Content.
    pub(in crate::api) fn no_content(mut self) -> Self {
        self.doc.status = 204;
        self.doc.response = Body::None;
        self
    }
}
