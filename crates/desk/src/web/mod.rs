//! The desk's pages and API, plugged into the web shell.

mod api;
mod forms;
mod hotline_pages;
mod pages;
mod public_pages;
mod reports;
mod settings_pages;
mod staff;

use axum::Router;
use relais_web::{AppState, Feature, NavItem, T};

use crate::Desk;
use crate::access::DeskStaff;
use crate::model::{Category, Priority, Status, Urgency};

pub fn feature() -> Feature {
    Feature {
        router: Router::<AppState>::new()
            .merge(api::router())
            .merge(pages::router())
            .merge(public_pages::router())
            .merge(staff::router())
            .merge(hotline_pages::router())
            .merge(reports::router())
            .merge(settings_pages::router()),
        nav: vec![
            NavItem::new("/desk", "nav-desk", |_| true),
            NavItem::new("/desk/queue", "nav-desk-queue", DeskStaff::is_staff),
        ],
        openapi: <api::DeskApi as utoipa::OpenApi>::openapi(),
    }
}

pub(crate) fn services(state: &AppState) -> Desk {
    Desk::new(state.db.clone(), state.clock.clone(), &state.config)
}

/// Labels of an enum's values, for menus: (value, label).
pub(crate) fn options<E: Copy>(
    t: T,
    all: &[E],
    code: fn(E) -> &'static str,
    prefix: &str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|e| (code(*e), t.t(&format!("{prefix}-{}", code(*e)))))
        .collect()
}

pub(crate) fn category_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Category::ALL, Category::as_str, "desk-category")
}

pub(crate) fn status_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Status::ALL, Status::as_str, "desk-status")
}

pub(crate) fn priority_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Priority::ALL, Priority::as_str, "desk-priority")
}

pub(crate) fn urgency_options(t: T) -> Vec<(&'static str, String)> {
    options(t, Urgency::ALL, Urgency::as_str, "desk-urgency")
}

/// "in 3 h 20 min" / "late by 2 d" for an SLA's minutes left.
pub(crate) fn time_left(t: T, minutes: Option<i64>) -> String {
    let Some(m) = minutes else {
        return String::new();
    };
    let abs = m.abs();
    let text = if abs >= 1440 {
        t.ta("desk-duration-days", &[("n", (abs / 1440).to_string())])
    } else if abs >= 60 {
        t.ta(
            "desk-duration-hours",
            &[("h", (abs / 60).to_string()), ("m", (abs % 60).to_string())],
        )
    } else {
        t.ta("desk-duration-minutes", &[("n", abs.to_string())])
    };
    if m < 0 {
        t.ta("desk-late-by", &[("d", text)])
    } else {
        t.ta("desk-left", &[("d", text)])
    }
}

/// Local date and time of an RFC 3339 instant.
pub(crate) fn local(rfc: &str, tz: &str) -> String {
    rfc.parse::<jiff::Timestamp>()
        .map(|t| relais_core::Timestamp::from_jiff(t).local(tz))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use relais_core::Lang;
    use relais_web::T;

    use crate::model::*;

    /// Every key the desk's code and templates name, and every key built
    /// from an enum, exists in French and in English.
    #[test]
    fn every_desk_text_is_translated() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut keys: Vec<String> = Vec::new();
        let mut dirs = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split('"').skip(1).step_by(2) {
                    if part.starts_with("desk-")
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && !part.ends_with('-')
                    {
                        keys.push(part.to_string());
                    }
                }
            }
        }
        for c in Category::ALL {
            keys.push(format!("desk-category-{}", c.as_str()));
        }
        for s in Status::ALL {
            keys.push(format!("desk-status-{}", s.as_str()));
        }
        for p in Priority::ALL {
            keys.push(format!("desk-priority-{}", p.as_str()));
        }
        for u in Urgency::ALL {
            keys.push(format!("desk-urgency-{}", u.as_str()));
        }
        for a in ArticleAudience::ALL {
            keys.push(format!("desk-audience-{}", a.as_str()));
        }
        for k in MessageKind::ALL {
            keys.push(format!("desk-kind-{}", k.as_str()));
        }
        for d in [
            "opened",
            "replied",
            "noted",
            "status",
            "saved",
            "merged",
            "call-logged",
            "called-back",
            "published",
            "resolved",
        ] {
            keys.push(format!("desk-done-{d}"));
        }
        for n in 0..7 {
            keys.push(format!("desk-weekday-{n}"));
        }
        for m in ["ack", "reply", "merged", "known-issue"] {
            keys.push(format!("desk-mail-{m}-subject"));
            keys.push(format!("desk-mail-{m}-body"));
        }
        keys.sort();
        keys.dedup();
        // Bare prefixes ("desk-category") name a family, not a text.
        let all = keys.clone();
        keys.retain(|k| !all.iter().any(|o| o.starts_with(&format!("{k}-"))));
        assert!(keys.len() > 150, "{} keys found", keys.len());
        for lang in [Lang::Fr, Lang::En] {
            let mut defined = Vec::new();
            for entry in std::fs::read_dir(root.join("../web/locales").join(lang.code())).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                defined.extend(
                    text.lines()
                        .filter_map(|l| l.split_once(" ="))
                        .map(|(k, _)| k.trim().to_string()),
                );
            }
            let missing: Vec<&String> = keys.iter().filter(|k| !defined.contains(k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
            assert!(T(lang).has("desk-new-title"));
        }
    }
}
