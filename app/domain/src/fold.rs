//! One normalization of text for search, computed once when text is written (stored as
//! `services.search_text`) and applied to every query, so the in-memory index and the SQL
//! fallback on both engines compare the same strings. (SQLite's `LOWER` folds only
//! ASCII, PostgreSQL's folds by locale: neither may decide what matches.)
//!
//! - Full-width ASCII (`ＭＥＡＬ`, common from Chinese input methods) becomes half-width,
//!   and the ideographic space a space.
//! - Letters become lower-case by Unicode's rules (`É` → `é`, `Ω` → `ω`).
//! - Control characters (line breaks in a description) become spaces, which keeps the
//!   field separator out of any text.

/// Separates the fields of one service's search text: a control character, so neither a
/// folded field nor a folded query ever contains it, and no match spans two fields.
pub const FIELD_SEPARATOR: char = '\u{1F}';

/// The search form of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// A service's search text: each field folded, joined by [`FIELD_SEPARATOR`].
pub fn searchable(fields: &[&str]) -> String {
    let folded: Vec<String> = fields.iter().map(|f| fold(f)).collect();
    folded.join(&FIELD_SEPARATOR.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_case_fold_to_one_form() {
        assert_eq!(fold("ＭＥＡＬ"), "meal");
        assert_eq!(fold("Café É"), "café é");
        assert_eq!(fold("助餐　服务"), "助餐 服务");
        assert_eq!(fold("１２３ＡＢＣ！"), "123abc!");
        assert_eq!(fold("ΩMEGA"), "ωmega");
        assert_eq!(fold("a\nb"), "a b");
    }

    #[test]
    fn fields_never_run_into_each_other() {
        let text = searchable(&["长者食堂", "Elder Canteen", "第一行\n第二行", ""]);
        assert_eq!(text, "长者食堂\u{1F}elder canteen\u{1F}第一行 第二行\u{1F}");
        assert!(!fold("x\u{1F}y").contains(FIELD_SEPARATOR));
        assert!(!text.contains("堂elder"));
    }
}
