//! What a page handler takes from a request before its own work, as axum extractors: the
//! signed-in caller, a path id, a posted form with its CSRF token checked. A refusal is the
//! answer itself: a redirect to sign in (or to create the first account), or an error page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Path as UrlPath, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::{form, page_auth, path_id};
use crate::base::auth::Auth;
use crate::base::render::error_page_for;
use crate::base::state::State;

async fn caller(parts: &mut Parts, state: &Arc<State>) -> Result<Auth, Response> {
    // Where to come back to after signing in: the URI as the client sent it.
    let uri = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.clone(), |u| u.0.clone());
    page_auth(state, &parts.headers, &uri).await
}

/// The signed-in caller of a page.
pub(super) struct Page(pub(super) Auth);

impl FromRequestParts<Arc<State>> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<State>) -> Result<Self, Response> {
        caller(parts, state).await.map(Page)
    }
}

/// The signed-in caller of a page about one thing, and its id (`/lists/{id}`): an id that
/// is not a positive integer is a "not found" page.
pub(super) struct PageId(pub(super) Auth, pub(super) i64);

impl FromRequestParts<Arc<State>> for PageId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<State>) -> Result<Self, Response> {
        let auth = caller(parts, state).await?;
        let UrlPath(raw) =
            UrlPath::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let id = path_id(&raw).map_err(|e| error_page_for(&auth, e))?;
        Ok(PageId(auth, id))
    }
}

/// A form posted by the signed-in caller, with its CSRF token checked: the caller and the
/// form's fields (the last value of a repeated field wins).
pub(super) struct Posted(pub(super) Auth, pub(super) HashMap<String, String>);

impl FromRequest<Arc<State>> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<State>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let auth = caller(&mut parts, state).await?;
        let body =
            Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(IntoResponse::into_response)?;
        let fields = form(&body);
        auth.check_csrf(fields.get("csrf").map(String::as_str)).map_err(|e| error_page_for(&auth, e))?;
        Ok(Posted(auth, fields))
    }
}
