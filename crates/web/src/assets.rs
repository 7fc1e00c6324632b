//! Static assets embedded in the binary, served from a fixed map (never from the filesystem, so no path can
//! reach outside it).
//!
//! Each asset is served under a content-hashed name (`app.3f2a…css`) with a one-year immutable cache, and under
//! its plain name with an ETag and `no-cache`, for anyone who links to it directly. Pages link the hashed name.

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::state::AppState;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The plain name, `app.css`.
    pub name: &'static str,
    /// The content-hashed name, `app.0123456789ab.css`.
    pub hashed_name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
    /// A strong ETag: the quoted content hash.
    pub etag: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Self {
        let hash = hex::encode(&Sha256::digest(bytes)[..6]);
        let hashed_name = match name.rsplit_once('.') {
            Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
            None => format!("{name}.{hash}"),
        };
        Self { name, hashed_name, content_type, bytes, etag: format!("\"{hash}\"") }
    }

    /// The URL pages use.
    pub fn url(&self) -> String {
        format!("/static/{}", self.hashed_name)
    }
}

/// Every asset KetaPath serves.
pub static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    vec![
        Asset::new("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css")),
        Asset::new("icon.svg", "image/svg+xml", include_bytes!("../static/icon.svg")),
        Asset::new("find.js", "text/javascript; charset=utf-8", include_bytes!("../static/find.js")),
        Asset::new("session.js", "text/javascript; charset=utf-8", include_bytes!("../static/session.js")),
        Asset::new("check.js", "text/javascript; charset=utf-8", include_bytes!("../static/check.js")),
    ]
});

/// The asset with this plain name. Names are the literals above, so a miss is a programming error caught by tests;
/// it falls back to the first asset rather than panicking in a request.
pub fn asset(name: &str) -> &'static Asset {
    ASSETS.iter().find(|a| a.name == name).unwrap_or(&ASSETS[0])
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "public, no-cache";

/// `GET /static/{file}`.
pub async fn serve(State(state): State<AppState>, ApiPath(file): ApiPath<String>, headers: HeaderMap) -> Response {
    let found = ASSETS.iter().find_map(|a| {
        if a.hashed_name == file {
            Some((a, IMMUTABLE))
        } else if a.name == file {
            Some((a, REVALIDATE))
        } else {
            None
        }
    });
    let Some((asset, cache_control)) = found else {
        return respond(&format!("/static/{file}"), state.config.demo, ApiError::NotFound);
    };
    let etag = HeaderValue::from_str(&asset.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = [(header::CACHE_CONTROL, HeaderValue::from_static(cache_control)), (header::ETAG, etag)];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == asset.etag || tag.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (cache, [(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type))], asset.bytes).into_response()
}
