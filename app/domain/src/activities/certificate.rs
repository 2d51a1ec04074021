//! A certificate of volunteer service hours (志愿服务时长证明): what the volunteer's record
//! said when it was issued, kept under a random code that anyone may check on a public
//! page, so an employer or a school can trust the printout.

use super::attendance::HoursSummary;
use super::hours::star_level;
use crate::accounts::store::Millis;
use serde::{Deserialize, Serialize};

/// Characters of a code: Crockford's base 32 (no I, L, O, U), easy to read off paper.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// "DS-7K2M-9QXA" from 40 random bits.
pub fn code_from(random: [u8; 5]) -> String {
    let mut bits = random.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut chars = [0u8; 8];
    for c in chars.iter_mut().rev() {
        *c = ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    let text = String::from_utf8(chars.to_vec()).expect("ASCII");
    format!("DS-{}-{}", &text[..4], &text[4..])
}

/// A code as someone typed it: upper case, spaces dropped; `None` if it cannot be one.
pub fn normalize_code(raw: &str) -> Option<String> {
    let code: String = raw
        .trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let ok = code.len() == 12
        && code.starts_with("DS-")
        && code.as_bytes()[7] == b'-'
        && code
            .bytes()
            .enumerate()
            .all(|(i, b)| i < 3 || i == 7 || ALPHABET.contains(&b));
    ok.then_some(code)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub code: String,
    /// The volunteer's name as it was when issued.
    pub name: String,
    pub total_minutes: u64,
    pub year_minutes: u64,
    /// Activities whose time was approved.
    pub activities: u32,
    pub issued_at: Millis,
}

impl Certificate {
    pub fn new(code: String, name: String, hours: &HoursSummary, issued_at: Millis) -> Self {
        Self {
            code,
            name,
            total_minutes: hours.total_minutes,
            year_minutes: hours.year_minutes,
            activities: hours.activities,
            issued_at,
        }
    }

    pub fn star(&self) -> u8 {
        star_level(self.total_minutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_easily_and_round_trip() {
        let code = code_from([0xff, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(code.len(), 12);
        assert_eq!(normalize_code(&code.to_lowercase()), Some(code.clone()));
        assert_eq!(normalize_code(&format!(" {code} ")), Some(code.clone()));
        assert_eq!(code_from([0; 5]), "DS-0000-0000");
        assert_eq!(code_from([0xff; 5]), "DS-ZZZZ-ZZZZ");
        assert!(normalize_code("DS-OOOO-0000").is_none(), "no O");
        assert!(normalize_code("DS-0000").is_none());
        assert!(normalize_code("../../etc").is_none());
    }
}
