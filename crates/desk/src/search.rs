//! French search, the same on SQLite and PostgreSQL and on every instance:
//! words are folded (case, accents, ligatures) by `relais_core::text::fold`,
//! common words dropped, and each reduced by a few suffix rules to a stem,
//! so that "connexions" meets "connexion" and "marche" meets "marchent".
//! The knowledge base keeps an inverted index (term → article, weight) in
//! its own table; ranking (BM25) and highlighting happen here in Rust.

use std::collections::{HashMap, HashSet};

use relais_core::text::fold;

/// Words too common to tell articles apart.
const STOP_WORDS: &[&str] = &[
    "a", "ai", "au", "aux", "avec", "ce", "ces", "cette", "dans", "de", "des", "du", "elle", "en",
    "est", "et", "etre", "il", "ils", "je", "j", "l", "la", "le", "les", "leur", "lui", "m", "ma",
    "mais", "me", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas",
    "plus", "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur", "t", "ta", "te",
    "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "d", "c", "ca", "the", "of",
    "to", "and", "is", "in", "it", "my", "not", "does", "no",
];

/// Reduces a folded word to its stem: plural, feminine and common verb
/// endings removed. Words of three letters or fewer are kept whole.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    if w.chars().count() <= 3 || !w.chars().all(|c| c.is_alphabetic()) {
        return w;
    }
    // Plurals: "bureaux" → "bureau", "journaux" → "journal", "boxes" → "boxe".
    if w.ends_with("eaux") {
        w.truncate(w.len() - 1);
    } else if w.len() >= 5 && w.ends_with("aux") {
        w.truncate(w.len() - 3);
        w.push_str("al");
    } else if (w.ends_with('s') || w.ends_with('x')) && !w.ends_with("ss") {
        w.pop();
    }
    // Verb and feminine endings: "marchent", "connectee", "redemarrer", "redemarrez".
    if w.len() > 6 && w.ends_with("ent") {
        w.truncate(w.len() - 3);
    } else if w.len() > 5 && (w.ends_with("ee") || w.ends_with("er") || w.ends_with("ez")) {
        w.truncate(w.len() - 2);
    } else if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// The words of `text` as (original word, stem), in order, stop words marked by `None`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The search terms of `text`: folded, stop words out, stemmed, in order.
pub fn terms(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .filter(|w| !STOP_WORDS.contains(w))
        .map(stem)
        .collect()
}

/// The distinct terms of a query, at most `max`, in order.
pub fn query_terms(q: &str, max: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    terms(q)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .take(max)
        .collect()
}

/// Term weights of a document: each occurrence counts one, in the title three.
pub fn weights(title: &str, body: &str) -> (HashMap<String, i64>, i64) {
    let mut out: HashMap<String, i64> = HashMap::new();
    let mut len = 0;
    for t in terms(title) {
        *out.entry(t).or_default() += 3;
        len += 3;
    }
    for t in terms(body) {
        *out.entry(t).or_default() += 1;
        len += 1;
    }
    (out, len)
}

/// One posting read from the index.
pub struct Posting {
    pub term: String,
    pub article: i64,
    pub weight: i64,
    pub length: i64,
}

/// Ranks articles by BM25 over the postings read for the query's terms,
/// with each term's document frequency `df`. Ties go
/// to the lower id, so the order is the same everywhere.
pub fn rank(
    postings: &[Posting],
    df: &HashMap<String, i64>,
    documents: i64,
    average_length: f64,
) -> Vec<(i64, f64)> {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let n = documents.max(1) as f64;
    let avg = if average_length > 0.0 {
        average_length
    } else {
        1.0
    };
    let mut scores: HashMap<i64, f64> = HashMap::new();
    for p in postings {
        let d = df.get(&p.term).copied().unwrap_or(1).max(1) as f64;
        let idf = ((n - d + 0.5) / (d + 0.5) + 1.0).ln();
        let tf = p.weight as f64;
        let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * p.length as f64 / avg));
        *scores.entry(p.article).or_default() += idf * norm;
    }
    let mut out: Vec<(i64, f64)> = scores.into_iter().collect();
    // Round so that float noise never reorders equal scores differently.
    out.sort_by(|a, b| {
        let (sa, sb) = ((a.1 * 1e6).round() as i64, (b.1 * 1e6).round() as i64);
        sb.cmp(&sa).then(a.0.cmp(&b.0))
    });
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as escaped HTML with the words matching `query` in `<mark>`.
/// A query's last word also matches as a prefix (people are still typing).
pub fn highlight(text: &str, query: &[String], prefix: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let f = fold(word);
        let s = stem(&f);
        let hit = query.contains(&s) || prefix.is_some_and(|p| p.len() >= 2 && f.starts_with(p));
        if hit {
            out.push_str("<mark>");
            out.push_str(&escape(word));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape(word));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&escape(&c.to_string()));
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A short passage of `text` around the first word matching `query`.
pub fn snippet(text: &str, query: &[String], max_words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    let first = all
        .iter()
        .position(|w| terms(w).iter().any(|t| query.contains(t)))
        .unwrap_or(0);
    let start = first.saturating_sub(max_words / 3);
    let end = (start + max_words).min(all.len());
    let mut s = all[start..end].join(" ");
    if start > 0 {
        s = format!("… {s}");
    }
    if end < all.len() {
        s.push_str(" …");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_accents_and_verbs_meet() {
        assert_eq!(terms("Connexions"), terms("connexion"));
        assert_eq!(terms("bureaux"), vec!["bureau"]);
        assert_eq!(terms("journaux"), vec!["journal"]);
        assert_eq!(terms("ma box ne marche plus"), vec!["box", "march"]);
        assert_eq!(terms("les box marchent"), vec!["box", "march"]);
        assert_eq!(stem("redemarrer"), stem("redémarrez").replace('é', "e"));
        assert_eq!(terms("Redémarrez"), terms("redemarrer"));
        assert_eq!(terms("connectée"), terms("connecter"));
        assert_eq!(terms("Visioconférence"), terms("visioconferences"));
        assert_eq!(terms("VPN"), vec!["vpn"]);
        assert_eq!(terms("mot de passe"), vec!["mot", "pass"]);
        assert_eq!(terms("mots de passes"), vec!["mot", "pass"]);
    }

    #[test]
    fn ranks_by_bm25_with_stable_ties() {
        let p = |t: &str, a: i64, w: i64, l: i64| Posting {
            term: t.into(),
            article: a,
            weight: w,
            length: l,
        };
        let postings = vec![
            p("box", 1, 1, 100),
            p("box", 2, 4, 100),
            p("redemarr", 2, 1, 100),
            p("box", 3, 1, 100),
        ];
        let df: HashMap<String, i64> = [("box".to_string(), 3), ("redemarr".to_string(), 1)].into();
        let ranked = rank(&postings, &df, 10, 100.0);
        assert_eq!(
            ranked.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![2, 1, 3]
        );
    }

    #[test]
    fn highlights_matches_and_escapes_the_rest() {
        let q = query_terms("box <script>", 8);
        let h = highlight("Ma Box <b>redémarre</b>", &q, None);
        assert_eq!(h, "Ma <mark>Box</mark> &lt;b&gt;redémarre&lt;/b&gt;");
        assert_eq!(
            highlight("Visioconférence", &[], Some("visio")),
            "<mark>Visioconférence</mark>"
        );
    }
}
