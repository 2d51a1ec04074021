//! What every answer goes through before and after the handlers: request ids, limits,
//! panics caught, cross-site requests refused, security headers. `router.rs` stacks
//! these layers; each file here is one concern.

pub mod csrf;
pub mod headers;
pub mod limits;

/// The settings these layers read, from the configuration.
#[derive(Debug, Clone)]
pub struct Hardening {
    /// Longest a request may take before it is answered 503.
    pub request_timeout: std::time::Duration,
    /// Most requests served at once; more wait (within the timeout) for a turn.
    pub max_concurrent_requests: usize,
    /// Served over HTTPS (directly or behind a proxy): send HSTS, mark cookies Secure.
    pub https: bool,
    /// Take the client's address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// The bearer token `GET /metrics` answers to; without one it does not exist.
    pub metrics_token: Option<crate::metrics::Token>,
}

impl Default for Hardening {
    fn default() -> Self {
        Self {
            request_timeout: std::time::Duration::from_secs(15),
            max_concurrent_requests: 512,
            https: false,
            trust_forwarded_for: false,
            metrics_token: None,
        }
    }
}
