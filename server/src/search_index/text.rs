//! Text matching as the SQL search does it: `LOWER(column) LIKE '%' || lower(text) || '%'`
//! on a service's names and descriptions, in both languages.

use memchr::memmem::Finder;

/// Every service's searchable text, lower-cased once, in one buffer. A service's fields
/// are joined by NUL, which no stored text contains (PostgreSQL cannot store it), so a
/// needle without NUL never matches across two fields, as `LIKE` per column would not.
#[derive(Debug, Default)]
pub struct TextArena {
    bytes: Vec<u8>,
    /// `ends[i]` is where service `i`'s text ends; it starts where `i - 1`'s ended.
    ends: Vec<u32>,
}

/// A lower-cased search text, prepared once per search.
pub struct Needle<'a> {
    finder: Option<Finder<'a>>,
}

impl<'a> Needle<'a> {
    /// `lowered` must already be lower-case.
    pub fn new(lowered: &'a str) -> Self {
        // A needle with NUL matches no stored text; `None` says so.
        Self {
            finder: (!lowered.contains('\0')).then(|| Finder::new(lowered.as_bytes())),
        }
    }
}

impl TextArena {
    pub fn push(&mut self, fields: &[&str]) {
        for (n, field) in fields.iter().enumerate() {
            if n > 0 {
                self.bytes.push(0);
            }
            self.bytes.extend(field.to_lowercase().replace('\0', "").bytes());
        }
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn contains(&self, i: usize, needle: &Needle) -> bool {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let text = &self.bytes[start..self.ends[i] as usize];
        needle.finder.as_ref().is_some_and(|f| f.find(text).is_some())
    }
}
