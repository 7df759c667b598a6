//! A signing PIN: six digits a worker may confirm a signature with instead
//! of their password, including on a phone with no signal.
//!
//! How it holds together without the phone keeping the PIN:
//! - the server keeps a salt and `pin_check(salt, pin)`, a stretched hash;
//! - the phone gets the salt (not a secret) with its list of sessions;
//! - signing offline, the phone stretches the typed PIN with that salt and
//!   queues only `signing_proof(check, item, booking)`, bound to that one
//!   queue item and session, then forgets the PIN;
//! - at sync the server recomputes the proof from its own check. A wrong
//!   PIN is refused then, with the worker's text kept on the phone.
//!
//! Five wrong PINs in a row clear the PIN; the worker sets a new one with
//! their password.

use sha2::{Digest, Sha256};

/// How many times the PIN is hashed: enough to slow guessing from a copied
/// database, quick enough (a fraction of a second) on a cheap phone.
pub const STRETCH_ROUNDS: u32 = 50_000;
/// Wrong PINs in a row before the PIN stops working.
pub const MAX_FAILURES: i32 = 5;
/// A PIN's length, in digits.
pub const LENGTH: usize = 6;

/// Checks a PIN someone wants to set. The message says how to fix it.
pub fn check_new_pin(pin: &str) -> Result<(), String> {
    if pin.chars().count() != LENGTH || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("A PIN is {LENGTH} digits, nothing else."));
    }
    let digits: Vec<i32> = pin.bytes().map(|b| i32::from(b - b'0')).collect();
    let steps: Vec<i32> = digits.windows(2).map(|pair| pair[1] - pair[0]).collect();
    if steps.iter().all(|&step| step == 0) {
        return Err("A PIN of one digit repeated is too easy to guess.".into());
    }
    if steps.iter().all(|&step| step == 1) || steps.iter().all(|&step| step == -1) {
        return Err("A PIN of digits in a row (like 123456) is too easy to guess.".into());
    }
    Ok(())
}

/// Whether something typed is shaped like a PIN (so it is worth checking as
/// one).
pub fn looks_like_pin(typed: &str) -> bool {
    typed.len() == LENGTH && typed.bytes().all(|b| b.is_ascii_digit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The stretched hash of a PIN with its salt, as hex.
pub fn pin_check(salt: &str, pin: &str) -> String {
    let mut state: [u8; 32] = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0])
        .chain_update(pin.as_bytes())
        .finalize()
        .into();
    for _ in 1..STRETCH_ROUNDS {
        state = Sha256::new()
            .chain_update(state)
            .chain_update(salt.as_bytes())
            .finalize()
            .into();
    }
    hex(&state)
}

/// What an offline signature carries instead of the PIN: good for this
/// queue item and this session only.
pub fn signing_proof(check: &str, item_id: &str, booking_id: i64) -> String {
    let digest = Sha256::new()
        .chain_update(check.as_bytes())
        .chain_update([0])
        .chain_update(item_id.as_bytes())
        .chain_update([0])
        .chain_update(booking_id.to_string().as_bytes())
        .finalize();
    hex(&digest)
}

/// A digest of the words an offline signature carries: the record's text
/// and the note on why the other worker did not sign. Each part is
/// length-prefixed, so no two different texts share a digest's input.
pub fn text_digest(
    summary: &str,
    ended_early: &str,
    incident: &str,
    unsigned_note: &str,
) -> String {
    let mut hash = Sha256::new();
    for part in [summary, ended_early, incident, unsigned_note] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex(&hash.finalize())
}

/// What binds an offline signature to its words: good for this queue item,
/// this session and this text only. The phone computes it when the worker
/// signs; a text changed on the phone afterwards no longer matches.
pub fn text_proof(check: &str, item_id: &str, booking_id: i64, digest: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"text\0")
        .chain_update(signing_proof(check, item_id, booking_id).as_bytes())
        .chain_update([0])
        .chain_update(digest.as_bytes())
        .finalize();
    hex(&digest)
}

/// Compares two hex strings in time that does not depend on where they
/// differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |differ, (x, y)| differ | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_pin_is_six_digits_and_not_obvious() {
        assert!(check_new_pin("394817").is_ok());
        assert!(check_new_pin("12345").is_err());
        assert!(check_new_pin("1234567").is_err());
        assert!(check_new_pin("12a456").is_err());
        assert!(check_new_pin("111111").unwrap_err().contains("repeated"));
        assert!(check_new_pin("123456").unwrap_err().contains("in a row"));
        assert!(check_new_pin("987654").unwrap_err().contains("in a row"));
        assert!(check_new_pin("121212").is_ok());
    }

    #[test]
    fn the_check_depends_on_salt_and_pin() {
        let check = pin_check("salt-a", "394817");
        assert_eq!(check.len(), 64);
        assert_eq!(check, pin_check("salt-a", "394817"));
        assert_ne!(check, pin_check("salt-b", "394817"));
        assert_ne!(check, pin_check("salt-a", "394818"));
    }

    #[test]
    fn a_proof_is_bound_to_its_item_and_session() {
        let check = pin_check("salt", "394817");
        let proof = signing_proof(&check, "item-1", 7);
        assert!(same(&proof, &signing_proof(&check, "item-1", 7)));
        assert!(!same(&proof, &signing_proof(&check, "item-2", 7)));
        assert!(!same(&proof, &signing_proof(&check, "item-1", 8)));
        let wrong_pin = pin_check("salt", "394818");
        assert!(!same(&proof, &signing_proof(&wrong_pin, "item-1", 7)));
    }

    #[test]
    fn a_text_proof_binds_the_words_signed() {
        let check = pin_check("salt", "394817");
        let words = text_digest("Went well", "", "", "");
        let proof = text_proof(&check, "item-1", 7, &words);
        assert!(same(&proof, &text_proof(&check, "item-1", 7, &words)));
        let edited = text_digest("Went badly", "", "", "");
        assert!(!same(&proof, &text_proof(&check, "item-1", 7, &edited)));
        // Moving words between fields changes the digest too.
        assert_ne!(
            text_digest("ab", "c", "", ""),
            text_digest("a", "bc", "", "")
        );
        assert_ne!(words, text_digest("Went well", "", "", "Tom was unwell"));
        assert!(!same(&proof, &text_proof(&check, "item-2", 7, &words)));
        assert!(!same(&proof, &signing_proof(&check, "item-1", 7)));
    }

    #[test]
    fn comparing_needs_equal_length_and_bytes() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
