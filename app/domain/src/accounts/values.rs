//! The values an account is made of, each checked where it is made and never printable
//! in full by accident (`Debug` masks phone numbers and hides secrets).

use crate::message::Message;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a person signs in: a mainland mobile number or an e-mail address.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Login {
    /// 11 digits, `1[3-9]` then nine more.
    Phone(String),
    /// Lower-cased.
    Email(String),
}

impl Login {
    /// Reads what a person typed: spaces, dashes and a leading +86 are forgiven.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.contains('@') {
            let email = trimmed.to_lowercase();
            let valid = email.len() <= 254
                && email.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                        && !domain.contains('@')
                });
            return if valid {
                Ok(Login::Email(email))
            } else {
                Err(FieldError::new(
                    "login",
                    "邮箱地址格式不对",
                    "is not a valid e-mail address",
                ))
            };
        }
        let digits: String = trimmed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit) {
            Ok(Login::Phone(digits.to_owned()))
        } else {
            Err(FieldError::new(
                "login",
                "请填写 11 位手机号（1 开头）或邮箱地址",
                "must be an 11-digit mainland mobile number (starting 13–19) or an e-mail address",
            ))
        }
    }

    /// The stored form.
    pub fn as_str(&self) -> &str {
        match self {
            Login::Phone(s) | Login::Email(s) => s,
        }
    }

    pub fn is_phone(&self) -> bool {
        matches!(self, Login::Phone(_))
    }

    /// What anyone but the person (and those caring for them) may see: 138****1234,
    /// w***@example.com.
    pub fn masked(&self) -> String {
        match self {
            Login::Phone(p) => format!("{}****{}", &p[..3], &p[7..]),
            Login::Email(e) => match e.split_once('@') {
                Some((local, domain)) => {
                    let first: String = local.chars().take(1).collect();
                    format!("{first}***@{domain}")
                }
                None => "***".to_owned(),
            },
        }
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Login({})", self.masked())
    }
}

impl TryFrom<String> for Login {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Login::parse(&raw)
    }
}

impl From<Login> for String {
    fn from(login: Login) -> String {
        match login {
            Login::Phone(s) | Login::Email(s) => s,
        }
    }
}

/// Masks a stored phone number (or e-mail) for someone who may not see it whole.
pub fn mask(stored: &str) -> String {
    Login::parse(stored)
        .map(|l| l.masked())
        .unwrap_or_else(|_| "***".to_owned())
}

/// A new password: 8 to 128 characters and not one of the well-known common ones.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Password(String);

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords that lists of leaked passwords start with, in China and elsewhere. Short
/// on purpose: the length rule already removes most of the common lists.
const COMMON_PASSWORDS: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "11223344",
    "123123123",
    "147258369",
    "123456789a",
    "a123456789",
    "qwertyui",
    "qwerty123",
    "qwertyuiop",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zxcvbnm123",
    "asdfghjkl",
    "password",
    "password1",
    "password123",
    "passw0rd",
    "iloveyou",
    "woaini1314",
    "woaini520",
    "5201314520",
    "abcd1234",
    "abc12345",
    "abc123456",
    "aa123456",
    "a1234567",
    "admin123",
    "administrator",
    "welcome1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "starwars",
    "12qwaszx",
    "doorstep",
    "jiamenkou",
    "wuhou123",
];

impl Password {
    pub fn new(raw: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(FieldError::with(
                "password",
                Message::owned(
                    format!("密码至少 {MIN_PASSWORD_CHARS} 位"),
                    format!("must be at least {MIN_PASSWORD_CHARS} characters"),
                ),
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(FieldError::with(
                "password",
                Message::owned(
                    format!("密码最多 {MAX_PASSWORD_CHARS} 位"),
                    format!("must be at most {MAX_PASSWORD_CHARS} characters"),
                ),
            ));
        }
        let lower = raw.to_lowercase();
        let same_char = raw.chars().all(|c| raw.starts_with(c));
        if same_char || COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(FieldError::new(
                "password",
                "这个密码太常见，容易被猜到，请换一个",
                "is one of the most common passwords and easy to guess; choose another",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Password {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Password::new(&raw)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// The name shown to others: 1 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub fn new(raw: &str) -> Result<Self, FieldError> {
        crate::validation::required_text("display_name", raw, 40).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::new(&raw)
    }
}

impl From<DisplayName> for String {
    fn from(n: DisplayName) -> String {
        n.0
    }
}

/// A one-time code as typed: exactly six digits.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct OneTimeCode(String);

pub const CODE_DIGITS: usize = 6;

impl OneTimeCode {
    pub fn new(raw: &str) -> Result<Self, FieldError> {
        let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code))
        } else {
            Err(FieldError::new(
                "code",
                "验证码是 6 位数字",
                "must be the 6 digits we sent",
            ))
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OneTimeCode {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::new(&raw)
    }
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(…)")
    }
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
/// digits and capital letters without I, O, S, V, Z; the last one is a check character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

const CREDIT_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

impl CreditCode {
    pub fn new(raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim().to_uppercase();
        let values: Option<Vec<u32>> = code
            .bytes()
            .map(|b| CREDIT_CHARS.iter().position(|c| *c == b).map(|p| p as u32))
            .collect();
        match values {
            Some(v) if v.len() == 18 && check_value(&v[..17]) == v[17] => Ok(Self(code)),
            Some(v) if v.len() == 18 => Err(FieldError::new(
                "credit_code",
                "统一社会信用代码校验位不对，请核对",
                "has a wrong check character; please check the code",
            )),
            _ => Err(FieldError::new(
                "credit_code",
                "统一社会信用代码为 18 位数字或大写字母",
                "must be the 18-character unified social credit code",
            )),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character for 17 leading characters (for tests and demo data).
    pub fn complete(first17: &str) -> Option<String> {
        let v: Option<Vec<u32>> = first17
            .bytes()
            .map(|b| CREDIT_CHARS.iter().position(|c| *c == b).map(|p| p as u32))
            .collect();
        let v = v.filter(|v| v.len() == 17)?;
        Some(format!("{first17}{}", CREDIT_CHARS[check_value(&v) as usize] as char))
    }
}

fn check_value(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

impl TryFrom<String> for CreditCode {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::new(&raw)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_forgivingly_and_checked_strictly() {
        assert_eq!(
            Login::parse(" 138-0013-8000 ").unwrap(),
            Login::Phone("13800138000".into())
        );
        assert_eq!(Login::parse("+86 13800138000").unwrap().as_str(), "13800138000");
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "23800138000",
            "1380013800x",
            "",
        ] {
            assert_eq!(Login::parse(bad).unwrap_err().field, "login", "{bad}");
        }
        assert!(Login::parse("13900000000").unwrap().is_phone());
    }

    #[test]
    fn e_mail_addresses_are_lower_cased() {
        assert_eq!(
            Login::parse("Li.Wei@Example.COM").unwrap().as_str(),
            "li.wei@example.com"
        );
        for bad in ["@x.cn", "a@", "a@b", "a b@c.cn", "a@.cn", "a@b.cn."] {
            assert!(Login::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logins_are_masked_and_never_debug_printed_whole() {
        let phone = Login::parse("13812341234").unwrap();
        assert_eq!(phone.masked(), "138****1234");
        assert!(!format!("{phone:?}").contains("13812341234"));
        assert_eq!(Login::parse("wang@example.com").unwrap().masked(), "w***@example.com");
        assert_eq!(mask("13912345678"), "139****5678");
    }

    #[test]
    fn passwords_need_length_and_must_not_be_common() {
        assert_eq!(Password::new("short").unwrap_err().field, "password");
        assert!(Password::new("Password1").is_err(), "common, whatever the case");
        assert!(Password::new("woaini1314").is_err());
        assert!(Password::new("aaaaaaaaaa").is_err());
        assert!(Password::new(&"x".repeat(129)).is_err());
        assert!(
            Password::new("晚饭后去社区食堂").is_ok(),
            "eight Chinese characters are eight characters"
        );
        let p = Password::new("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(…)");
        assert!(serde_json::from_str::<Password>("\"1234\"").is_err());
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(OneTimeCode::new(" 123 456 ").unwrap().expose(), "123456");
        assert!(OneTimeCode::new("12345").is_err());
        assert!(OneTimeCode::new("12345a").is_err());
    }

    #[test]
    fn credit_codes_carry_a_check_character() {
        let code = CreditCode::complete("91510107MA6CABCD1").unwrap();
        assert!(CreditCode::new(&code).is_ok());
        assert!(CreditCode::new(&code.to_lowercase()).is_ok(), "case is forgiven");
        // Changing any one character breaks the check.
        let mut broken = code.clone().into_bytes();
        broken[5] = if broken[5] == b'1' { b'2' } else { b'1' };
        let broken = String::from_utf8(broken).unwrap();
        assert_eq!(CreditCode::new(&broken).unwrap_err().field, "credit_code");
        assert!(
            CreditCode::new("91510107MA6CABCDI1").is_err(),
            "I is not in the alphabet"
        );
        assert!(CreditCode::new("123").is_err());
        // A published example (GB 32100-2015 appendix style): 91350100M000100Y43.
        assert!(CreditCode::new("91350100M000100Y43").is_ok());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::new("  王阿姨 ").unwrap().as_str(), "王阿姨");
        assert!(DisplayName::new(" ").is_err());
        assert!(DisplayName::new(&"名".repeat(41)).is_err());
    }
}
