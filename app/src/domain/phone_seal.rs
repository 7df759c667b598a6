//! What a worker's phone keeps is sealed under a key of that worker's.
//!
//! The server derives each worker's phone key from its own secret (the
//! audit seal's key, kept outside the database) and the worker's id, so the
//! same worker gets the same key at every sign-in, on any phone, from any
//! server process, and nothing about it is stored in the database. The
//! phone imports it as a non-extractable AES-GCM key, keeps it while the
//! worker is signed in, and forgets it at sign-out. What it sealed stays
//! sealed until that worker signs in again: another worker on the same
//! phone sees only whose entries are waiting, and how many.
//!
//! This module holds the parts that are the same everywhere: the derivation,
//! the stored envelope, and what each sealed value is bound to (its store and
//! key, as AES-GCM's additional data, so a sealed value moved under another
//! key fails to open). The sealing itself is Web Crypto's, in the browser.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Kept apart from every other use of the server's secret.
const LABEL: &[u8] = b"contact-centre phone key v1 for worker ";

/// The phone key of worker `user_id`: 32 bytes, HMAC-SHA-256 of the
/// worker's id under the server's secret.
pub fn phone_key(secret: &[u8], user_id: i64) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(LABEL);
    mac.update(&user_id.to_be_bytes());
    mac.finalize().into_bytes().into()
}

/// A value as the phone stores it once sealed: whose key opens it, the
/// nonce, and the sealed bytes (both in hex, as the stores hold JSON text).
/// `rejected` is the server's refusal of a queued entry, which says nothing
/// of its content; kept in the clear so a refused entry can be counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub sealed_for: i64,
    pub iv: String,
    pub data: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

/// What a stored text turned out to be: an envelope, or a value written in
/// the clear by an earlier release (read, and sealed when next written, so
/// an upgrade loses nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored<T> {
    Sealed(Envelope),
    Clear(T),
}

/// Reads a stored text as an envelope, or else as the value itself.
pub fn read_stored<T: serde::de::DeserializeOwned>(text: &str) -> Result<Stored<T>, String> {
    if let Ok(envelope) = serde_json::from_str::<Envelope>(text) {
        return Ok(Stored::Sealed(envelope));
    }
    serde_json::from_str::<T>(text)
        .map(Stored::Clear)
        .map_err(|e| format!("a stored value could not be read: {e}"))
}

/// What a sealed value is bound to: its store and its key there.
pub fn bound_to(store: &str, key: &str) -> Vec<u8> {
    format!("{store}/{key}").into_bytes()
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}

pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err("a sealed value is damaged (not hex)".to_owned()),
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err("a sealed value is damaged (odd length)".to_owned());
    }
    bytes
        .chunks(2)
        .map(|pair| Ok((digit(pair[0])? << 4) | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_worker_has_one_key_of_their_own_under_each_secret() {
        let secret = b"server secret";
        assert_eq!(phone_key(secret, 7), phone_key(secret, 7));
        assert_ne!(phone_key(secret, 7), phone_key(secret, 8));
        assert_ne!(phone_key(secret, 7), phone_key(b"another secret", 7));
    }

    #[test]
    fn hex_goes_there_and_back_and_refuses_damage() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&bytes)).unwrap(), bytes);
        assert_eq!(to_hex(&[0x0f, 0xa0]), "0fa0");
        assert!(from_hex("abc").is_err());
        assert!(from_hex("zz").is_err());
    }

    #[test]
    fn a_stored_text_is_read_as_an_envelope_or_else_as_a_clear_value_of_an_earlier_release() {
        let envelope = Envelope {
            sealed_for: 3,
            iv: "00".repeat(12),
            data: "ab".into(),
            rejected: None,
        };
        let text = serde_json::to_string(&envelope).unwrap();
        assert_eq!(
            read_stored::<crate::model::Colleague>(&text).unwrap(),
            Stored::Sealed(envelope)
        );
        let clear = r#"{"id":3,"name":"Priya Shah"}"#;
        assert_eq!(
            read_stored::<crate::model::Colleague>(clear).unwrap(),
            Stored::Clear(crate::model::Colleague {
                id: 3,
                name: "Priya Shah".into()
            })
        );
        assert!(read_stored::<crate::model::Colleague>("{}").is_err());
    }

    #[test]
    fn a_sealed_value_is_bound_to_its_store_and_key() {
        assert_ne!(bound_to("queue", "a"), bound_to("logs", "a"));
        assert_ne!(bound_to("queue", "a"), bound_to("queue", "b"));
    }
}
