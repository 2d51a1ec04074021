//! The [`authenticate`] middleware: reads the session cookie or the bearer token, looks
//! it up, and leaves a [`Caller`] in the request's extensions. Requests without either
//! cost no database read.

use super::secrets::RealSecrets;
use crate::rest::error::ApiError;
use crate::store::SqlStore;
use app::domain::accounts::principal::Principal;
use app::domain::accounts::secrets::Secrets;
use app::domain::accounts::store::AccountStore;
use app::domain::error::AppError;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The session cookie's name and attributes for this deployment.
#[derive(Debug, Clone, Copy)]
pub struct SessionCookie {
    pub https: bool,
}

impl SessionCookie {
    /// Over HTTPS the `__Host-` prefix makes browsers refuse the cookie unless it is
    /// Secure, host-only and for the whole site: no subdomain can plant one.
    pub fn name(self) -> &'static str {
        if self.https {
            "__Host-doorstep_session"
        } else {
            "doorstep_session"
        }
    }

    pub fn set(self, token: &str, max_age_s: i64) -> String {
        self.line(self.name(), token, "/", max_age_s)
    }

    /// Any of our HttpOnly cookies, `Secure` whenever the session cookie is: the sign-up
    /// secret deserves the same care as the session.
    pub fn line(self, name: &str, value: &str, path: &str, max_age_s: i64) -> String {
        format!(
            "{name}={value}; Path={path}; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{}",
            if self.https { "; Secure" } else { "" }
        )
    }

    pub fn clear(self) -> String {
        self.set("", 0)
    }
}

/// Who made this request.
#[derive(Clone, Default)]
pub struct Caller {
    pub principal: Option<Principal>,
    /// The session secret from the cookie, when it named a live session.
    pub session_token: Option<String>,
    /// The client's address, for per-client rate limits.
    pub client: String,
}

impl std::fmt::Debug for Caller {
    // Never the session secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("principal", &self.principal)
            .field("session", &self.session_token.as_ref().map(|_| "…"))
            .field("client", &self.client)
            .finish()
    }
}

impl Caller {
    /// The signed-in principal, or 401.
    pub fn require(&self) -> Result<&Principal, AppError> {
        self.principal.as_ref().ok_or(AppError::Unauthenticated)
    }
}

/// How to recognise callers in this deployment.
#[derive(Debug, Clone, Copy)]
pub struct AuthSettings {
    pub cookie: SessionCookie,
    /// Behind a reverse proxy the peer is the proxy: take the client's address from the
    /// last `X-Forwarded-For` entry (the one the proxy added) instead.
    pub trust_forwarded_for: bool,
}

pub async fn authenticate(
    State((store, settings)): State<(SqlStore, AuthSettings)>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookie = settings.cookie;
    let forwarded = settings
        .trust_forwarded_for
        .then(|| request.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let client = forwarded.unwrap_or_else(|| {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    });
    let headers = request.headers();
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let session = headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| app::prefs::cookie_value(c, cookie.name()))
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let now = crate::store::migrate::now_millis();
    let mut caller = Caller {
        client,
        ..Caller::default()
    };
    if let Some(token) = bearer {
        match store.token_principal(&RealSecrets.token_hash(&token), now).await {
            Ok(Some(principal)) => caller.principal = Some(principal),
            // A bearer token that does not work is an error, not an anonymous call:
            // the client meant to be someone.
            Ok(None) => return ApiError(AppError::Unauthenticated).into_response(),
            Err(e) => return ApiError(e.into()).into_response(),
        }
    } else if let Some(token) = session {
        match store
            .session_principal(
                &RealSecrets.token_hash(&token),
                now,
                app::domain::accounts::SESSION_IDLE_MS,
            )
            .await
        {
            Ok(Some(principal)) => {
                caller.principal = Some(principal);
                caller.session_token = Some(token);
            }
            // An expired or revoked session: the request goes on anonymous.
            Ok(None) => {}
            Err(e) => return ApiError(e.into()).into_response(),
        }
    }
    request.extensions_mut().insert(caller);
    request.extensions_mut().insert(cookie);
    next.run(request).await
}
