//! Translations. Every text people read comes from the Fluent files in
//! `locales/` (French, the default, and English), looked up through `T`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid};
use relais_core::{Lang, Msg};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// Texts without arguments already looked up, by language (French, English):
/// a page asks for dozens (its menu, labels and headings), and each Fluent
/// lookup costs far more than a map's.
static PLAIN: LazyLock<[RwLock<HashMap<Box<str>, Box<str>>>; 2]> = LazyLock::new(Default::default);
/// Keys kept at most per language (more than the Fluent files hold; a key
/// made from data that is not in them is then looked up each time).
const MAX_PLAIN: usize = 4096;

/// The translator for one language, handed to every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T(pub Lang);

impl T {
    fn id(self) -> &'static LanguageIdentifier {
        match self.0 {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; the key itself if it is missing (a test checks none is).
    pub fn t(&self, key: &str) -> String {
        let plain = &PLAIN[self.0 as usize];
        if let Some(text) = plain.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return text.to_string();
        }
        let text = self.lookup(key, None).unwrap_or_else(|| key.to_string());
        let mut plain = plain.write().unwrap_or_else(|e| e.into_inner());
        if plain.len() < MAX_PLAIN {
            plain.insert(key.into(), text.as_str().into());
        }
        text
    }

    /// The text for `key` with arguments; numbers are passed as numbers for plurals.
    pub fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let value = match v.parse::<f64>() {
                    Ok(n) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '-') => {
                        FluentValue::from(n)
                    }
                    _ => FluentValue::from(v.clone()),
                };
                (Cow::Owned(k.to_string()), value)
            })
            .collect();
        self.lookup(key, Some(&map))
            .unwrap_or_else(|| key.to_string())
    }

    /// The text in this language, else in French (the fallback). Both
    /// languages are loaded, so there is nothing to negotiate: asking
    /// Fluent's loader to would cost more than the lookup itself.
    fn lookup(
        &self,
        key: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> Option<String> {
        LOCALES
            .lookup_single_language(self.id(), key, args)
            .ok()
            .or_else(|| match self.0 {
                Lang::Fr => None,
                Lang::En => LOCALES.lookup_single_language(&FR, key, args).ok(),
            })
    }

    pub fn msg(&self, m: &Msg) -> String {
        self.ta(
            m.key,
            &m.args
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<Vec<_>>(),
        )
    }

    /// Does `key` exist in this language (or in French, the fallback)?
    pub fn has(&self, key: &str) -> bool {
        self.lookup(key, None).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_by_default_and_english_available() {
        assert_eq!(T(Lang::Fr).t("sign-out"), "Se déconnecter");
        assert_eq!(T(Lang::En).t("sign-out"), "Sign out");
        assert_eq!(T(Lang::En).t("no-such-key"), "no-such-key");
    }

    #[test]
    fn every_french_key_exists_in_english_and_back() {
        let keys = |src: &str| -> Vec<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_string())
                .collect()
        };
        let fr = keys(concat!(
            include_str!("../locales/fr/main.ftl"),
            include_str!("../locales/fr/directory.ftl"),
            include_str!("../locales/fr/training.ftl"),
            include_str!("../locales/fr/desk.ftl"),
            include_str!("../locales/fr/crisis.ftl")
        ));
        let en = keys(concat!(
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/directory.ftl"),
            include_str!("../locales/en/training.ftl"),
            include_str!("../locales/en/desk.ftl"),
            include_str!("../locales/en/crisis.ftl")
        ));
        for k in &fr {
            assert!(en.contains(k), "{k} is missing in English");
        }
        for k in &en {
            assert!(fr.contains(k), "{k} is missing in French");
        }
    }

    #[test]
    fn plurals_follow_the_language() {
        let t = T(Lang::En);
        assert_eq!(
            t.ta("error-too-many-attempts-detail", &[("minutes", "1".into())]),
            "Too many failed attempts. Try again in 1 minute."
        );
        assert_eq!(
            t.ta("error-too-many-attempts-detail", &[("minutes", "5".into())]),
            "Too many failed attempts. Try again in 5 minutes."
        );
    }
}
