//! The files that make the app shell work offline: the service worker, stamped with the
//! build it belongs to, and that build's id for every page (`<meta name="doorstep-build">`).
//!
//! The build id is a hash of the files a page needs in the browser (wasm, its JS glue,
//! the stylesheet, the scripts of `public/`). A new build therefore gets a new service
//! worker, which replaces the old one's caches, and the navigation script loads a page of
//! another build whole instead of mixing it with the wasm already running.

use app::app::{BuildId, InlineStyle};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The files cargo-leptos builds for the browser, relative to the site root.
const BUILT_FILES: &[&str] = &["pkg/doorstep.wasm", "pkg/doorstep.js", "pkg/doorstep.css"];
/// Ours, compiled in: the worker is served from here, stamped, whatever the site folder holds.
const WORKER_TEMPLATE: &str = include_str!("../../public/sw.js");
const SHELL_SCRIPTS: &[&str] = &[
    include_str!("../../public/app-shell.js"),
    include_str!("../../public/offline.html"),
];
const BUILD_PLACEHOLDER: &str = "__DOORSTEP_BUILD__";

/// The service worker of this build, ready to serve.
#[derive(Clone)]
pub struct ServiceWorker {
    pub build: BuildId,
    script: Arc<str>,
}

impl ServiceWorker {
    /// Reads the built files once, at start-up. Missing ones (a test without a browser
    /// build) only make the id less specific.
    pub fn load(site_root: &Path) -> Self {
        let mut hash = Sha256::new();
        for file in BUILT_FILES {
            if let Ok(bytes) = std::fs::read(site_root.join(file)) {
                hash.update(file.as_bytes());
                hash.update(&bytes);
            }
        }
        for script in SHELL_SCRIPTS.iter().chain([&WORKER_TEMPLATE]) {
            hash.update(script.as_bytes());
        }
        let build: String = format!("{:x}", hash.finalize()).chars().take(16).collect();
        Self {
            script: WORKER_TEMPLATE.replace(BUILD_PLACEHOLDER, &build).into(),
            build: BuildId(build.into()),
        }
    }
}

/// The built stylesheet, to inline into every page's `<head>`: one round trip less
/// before a phone on a slow network can draw the first screen (docs/PERFORMANCE.md). It is
/// small (2.6 KB gzip); the file stays for the offline page. None without a browser build.
pub fn inline_style(site_root: &Path) -> Option<InlineStyle> {
    std::fs::read_to_string(site_root.join("pkg/doorstep.css"))
        .ok()
        // Inserted as raw HTML: a stylesheet never legitimately closes its own tag.
        .filter(|css| !css.contains("</"))
        .map(|css| InlineStyle(css.into()))
}

/// `GET /sw.js`. Never cached by HTTP: browsers look for a new worker on every visit.
pub async fn service_worker(State(worker): State<ServiceWorker>) -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        worker.script.to_string(),
    )
        .into_response()
}
