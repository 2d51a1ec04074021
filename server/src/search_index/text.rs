//! Text matching as the SQL search does it: `search_text LIKE '%' || fold(text) || '%'`,
//! on the text stored folded (`domain::fold`): names and descriptions in both languages,
//! joined by a separator no folded query contains.

use memchr::memmem::Finder;

/// Every service's search text, in one buffer, back to back.
#[derive(Debug, Default)]
pub struct TextArena {
    bytes: Vec<u8>,
    /// `ends[i]` is where service `i`'s text ends; it starts where `i - 1`'s ended.
    ends: Vec<u32>,
}

/// A folded search text, prepared once per search.
pub struct Needle<'a> {
    finder: Option<Finder<'a>>,
}

impl<'a> Needle<'a> {
    /// `folded` must be [`fold`](app::domain::fold::fold)ed.
    pub fn new(folded: &'a str) -> Self {
        Self {
            finder: Some(Finder::new(folded.as_bytes())),
        }
    }
}

impl TextArena {
    /// Adds the next service's text, already folded and joined.
    pub fn push(&mut self, search_text: &str) {
        self.bytes.extend(search_text.bytes());
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn contains(&self, i: usize, needle: &Needle) -> bool {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let text = &self.bytes[start..self.ends[i] as usize];
        needle.finder.as_ref().is_some_and(|f| f.find(text).is_some())
    }
}
