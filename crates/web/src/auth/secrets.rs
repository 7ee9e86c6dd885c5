//! Secrets: random values for sessions, tokens and CSRF, their SHA-256 (what the database
//! keeps), and password hashes (Argon2id, PHC strings).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AppError;

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    Ok(hex::encode(bytes))
}

/// A new API token: recognisable by its prefix when it leaks into a log or a repository.
pub fn new_token() -> Result<String, AppError> {
    Ok(format!("pgs_{}", new_secret()?))
}

/// What the database keeps of a session secret or a token.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

/// Whether `password` matches the stored PHC string; a malformed string matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct hors", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(h, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn secrets_are_fresh_and_compared_whole() {
        let a = new_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret().unwrap());
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &a[..63]));
        assert!(!same("", ""));
        assert!(new_token().unwrap().starts_with("pgs_"));
    }
}
