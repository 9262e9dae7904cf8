//! Banners other features put on the home page (the desk's known issues, a
//! crisis notice): the home page belongs to the directory, which knows no
//! feature, so features plug a source in with [`BannerSources`], added to
//! the application as an axum extension by the binary.

use std::sync::Arc;

use relais_core::Lang;

/// One banner: a title, a line of text, and where to read more.
#[derive(Debug, Clone)]
pub struct Banner {
    pub title: String,
    pub text: String,
    pub href: String,
}

#[async_trait::async_trait]
pub trait BannerSource: Send + Sync + 'static {
    /// The banners to show now, in `lang`. A failing source shows nothing.
    async fn banners(&self, db: &relais_db::Db, lang: Lang) -> Vec<Banner>;
}

/// Every source, in order; an axum extension.
#[derive(Clone, Default)]
pub struct BannerSources(pub Arc<Vec<Arc<dyn BannerSource>>>);

impl BannerSources {
    pub async fn collect(&self, db: &relais_db::Db, lang: Lang) -> Vec<Banner> {
        let mut out = Vec::new();
        for s in self.0.iter() {
            out.extend(s.banners(db, lang).await);
        }
        out
    }
}
