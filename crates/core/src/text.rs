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

/// Folds and reduces each word to a crude French singular (trailing `s` or
/// `x` dropped from words of four letters or more, `aux` to `al`), so that
/// "réunions" and "reunion" meet. The same function builds stored search keys
/// and the words people type, so results are the same on every backend.
pub fn search_words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() >= 5 && w.ends_with("aux") {
                format!("{}al", &w[..w.len() - 3])
            } else if w.len() >= 4 && (w.ends_with('s') || w.ends_with('x')) {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// A stored search key: the search words of `s`, space-separated and padded.
pub fn search_key(s: &str) -> String {
    format!(" {} ", search_words(s).join(" "))
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
    fn plurals_and_accents_meet() {
        assert_eq!(search_words("Réunions"), vec!["reunion"]);
        assert_eq!(search_words("reunion"), vec!["reunion"]);
        assert_eq!(
            search_words("Les journaux régionaux"),
            vec!["les", "journal", "regional"]
        );
        assert_eq!(
            search_words("webinaire doctorants"),
            vec!["webinaire", "doctorant"]
        );
        assert!(search_key("Webinaire : encadrer ses doctorants").contains(" doctorant "));
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
