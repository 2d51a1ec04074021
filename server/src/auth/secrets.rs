//! The accounts' cryptography: argon2id for passwords (on the blocking pool, never on
//! an async worker), SHA-256 for tokens and codes, the OS's random source for secrets.

use app::domain::accounts::secrets::Secrets;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub struct RealSecrets;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// Argon2 takes about 19 MiB and tens of milliseconds a hash: a flood of sign-ins must
/// queue for these permits rather than exhaust memory or the blocking pool.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Hashing a password nobody has still costs the full hash: a sign-in for a login
/// without an account takes as long as one with a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_now("not a password anyone has"));

fn hash_now(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[async_trait::async_trait]
impl Secrets for RealSecrets {
    fn new_token(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    }

    fn new_code(&self) -> String {
        // Rejection sampling keeps the six digits uniform.
        loop {
            let n = u32::from_le_bytes(random_bytes::<4>());
            if n < 4_294_000_000 {
                return format!("{:06}", n % 1_000_000);
            }
        }
    }

    fn token_hash(&self, secret: &str) -> String {
        Sha256::digest(secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    async fn hash_password(&self, password: &str) -> String {
        let password = password.to_owned();
        let _permit = HASHING.acquire().await.expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .expect("password hashing does not panic")
    }

    async fn verify_password(&self, password: &str, hash: Option<&str>) -> bool {
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (DUMMY_HASH.clone(), false),
        };
        let _permit = HASHING.acquire().await.expect("the semaphore is never closed");
        let matched = tokio::task::spawn_blocking(move || verify_now(&password, &hash))
            .await
            .unwrap_or(false);
        real && matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let s = RealSecrets;
        let hash = s.hash_password("晚饭后去社区食堂").await;
        assert!(hash.starts_with("$argon2id$"));
        assert!(s.verify_password("晚饭后去社区食堂", Some(&hash)).await);
        assert!(!s.verify_password("wrong one", Some(&hash)).await);
        assert!(!s.verify_password("not a password anyone has", None).await);
    }

    #[test]
    fn tokens_are_256_bits_and_codes_six_digits() {
        let s = RealSecrets;
        let (a, b) = (s.new_token(), s.new_token());
        assert_ne!(a, b);
        assert_eq!(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&a)
                .unwrap()
                .len(),
            32
        );
        let code = s.new_code();
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(s.token_hash("x").len(), 64);
        assert_eq!(s.token_hash("x"), s.token_hash("x"));
    }
}
