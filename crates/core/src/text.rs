//! Text folding for search: lower case, accents removed, spaces collapsed, so
//! that "helene" finds "Hélène" the same way on SQLite and PostgreSQL.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'œ' | 'Œ' => {
                out.push_str("oe");
                space = false;
                continue;
            }
            'æ' | 'Æ' => {
                out.push_str("ae");
                space = false;
                continue;
            }
            '\'' | '’' | '-' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            if !out.is_empty() && !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.extend(c.to_lowercase());
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_spaces() {
        assert_eq!(fold("  Hélène   CŒUR-d'Alène "), "helene coeur d alene");
        assert_eq!(fold("Ångström"), "angstrom");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
