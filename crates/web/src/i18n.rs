//! Translations. Every text people read comes from the Fluent files in
//! `locales/` (French, the default, and English), looked up through `T`.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
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
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
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
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
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

    /// Does `key` exist in this language?
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(self.id(), key).is_some()
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
