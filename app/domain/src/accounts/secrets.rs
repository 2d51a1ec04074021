//! The port for what accounts need from cryptography: random secrets, their hashes,
//! password hashing. The server implements it (argon2id, SHA-256, the OS's random
//! source); tests may use a fast fake.

#[async_trait::async_trait]
pub trait Secrets: Send + Sync {
    /// A new random token of 256 bits, URL-safe text (sessions, API tokens).
    fn new_token(&self) -> String;
    /// A new random 6-digit code.
    fn new_code(&self) -> String;
    /// The stored form of a token or code: a one-way hash, cheap to compute (the secret
    /// itself has enough entropy, or is short-lived and limited to a few tries).
    fn token_hash(&self, secret: &str) -> String;
    /// A slow, salted password hash (argon2id), computed off the request workers.
    async fn hash_password(&self, password: &str) -> String;
    /// Whether `password` matches `hash`. With `None` it spends the same time and
    /// answers false, so a missing account cannot be told from a wrong password.
    async fn verify_password(&self, password: &str, hash: Option<&str>) -> bool;
}
