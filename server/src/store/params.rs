//! A small builder for portable SQL with numbered parameters (`$1`, `$2`, …), which both
//! SQLite and PostgreSQL accept. sqlx's own `QueryBuilder` writes `?` for the `Any`
//! driver, which PostgreSQL refuses.

use sqlx::any::AnyArguments;
use sqlx::Arguments;

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Float(f64),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Params {
    values: Vec<Param>,
}

impl Params {
    /// Adds a value and returns its placeholder.
    pub fn push(&mut self, value: Param) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.push(Param::Text(value.into()))
    }

    pub fn float(&mut self, value: f64) -> String {
        self.push(Param::Float(value))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.push(Param::Int(value))
    }

    pub fn into_arguments<'q>(self) -> AnyArguments<'q> {
        let mut args = AnyArguments::default();
        for value in self.values {
            // Adding a plain scalar cannot fail.
            let _ = match value {
                Param::Int(v) => args.add(v),
                Param::Float(v) => args.add(v),
                Param::Text(v) => args.add(v),
            };
        }
        args
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside `LIKE … ESCAPE '\'`.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut p = Params::default();
        assert_eq!(p.int(1), "$1");
        assert_eq!(p.text("x"), "$2");
    }

    #[test]
    fn like_patterns_escape_wildcards_and_keep_the_text_as_given() {
        // Folding is the caller's (`domain::fold`), done once for the index and SQL alike.
        assert_eq!(like_contains("助餐"), "%助餐%");
        assert_eq!(like_contains("50%_Off\\"), "%50\\%\\_Off\\\\%");
    }
}
