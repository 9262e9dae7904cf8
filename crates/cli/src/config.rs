//! Configuration: defaults, then `relais.toml` (or the file `RELAIS_CONFIG`
//! names), then `RELAIS_*` environment variables; validated at start.
//! Secrets never reach the logs: URLs print with their password masked.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use relais_db::{DatabaseUrl, redact_url};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    mail_folder: Option<PathBuf>,
    time_zone: Option<String>,
    session_idle_minutes: Option<i64>,
    session_absolute_hours: Option<i64>,
    log_format: Option<String>,
    body_limit_mb: Option<usize>,
    disruption_undo_minutes: Option<i64>,
    trusted_proxies: Option<String>,
}

#[derive(Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub listen: SocketAddr,
    pub public_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub mail_folder: Option<PathBuf>,
    pub time_zone: String,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub log_json: bool,
    pub body_limit_mb: usize,
    pub disruption_undo_minutes: i64,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("mail_folder", &self.mail_folder)
            .field("time_zone", &self.time_zone)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_absolute_hours", &self.session_absolute_hours)
            .field("log_json", &self.log_json)
            .field("body_limit_mb", &self.body_limit_mb)
            .field("disruption_undo_minutes", &self.disruption_undo_minutes)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// Where the settings come from: a file's contents and the environment.
pub struct Sources<'a> {
    pub file: Option<(PathBuf, String)>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Sources<'_> {
    /// The real sources: `RELAIS_CONFIG` or `./relais.toml` if present, and the process environment.
    pub fn from_process() -> Result<Sources<'static>, String> {
        let path = std::env::var("RELAIS_CONFIG").ok().map(PathBuf::from);
        let file = match path {
            Some(p) => Some((
                p.clone(),
                std::fs::read_to_string(&p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
            )),
            None => {
                let p = Path::new("relais.toml");
                p.exists()
                    .then(|| std::fs::read_to_string(p).map(|s| (p.to_path_buf(), s)))
                    .transpose()
                    .map_err(|e| format!("cannot read relais.toml: {e}"))?
            }
        };
        Ok(Sources {
            file,
            env: &|k| std::env::var(k).ok().filter(|v| !v.is_empty()),
        })
    }
}

impl Config {
    /// Layers the sources over the defaults and validates the result.
    /// `default_db` is the database used when none is configured.
    pub fn load(src: &Sources<'_>, default_db: &str) -> Result<Config, String> {
        let file: FileConfig = match &src.file {
            Some((path, text)) => {
                toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let env = |k: &str| (src.env)(k);
        let database_url = env("RELAIS_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| default_db.to_string());
        let listen = env("RELAIS_LISTEN")
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen
            .parse()
            .map_err(|_| format!("listen: {listen:?} is not an address like 127.0.0.1:8080"))?;
        let public_url = env("RELAIS_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "public_url: {public_url:?} must start with http:// or https://"
            ));
        }
        let database_url = DatabaseUrl::new(database_url);
        if database_url.backend().is_none() {
            return Err(format!(
                "database_url: {database_url} must start with sqlite:// or postgres://"
            ));
        }
        let smtp_url = env("RELAIS_SMTP_URL").or(file.smtp_url);
        if let Some(url) = &smtp_url {
            relais_mail::check_smtp_url(url).map_err(|e| format!("smtp_url: {e}"))?;
        }
        let mail_from = env("RELAIS_MAIL_FROM")
            .or(file.mail_from)
            .unwrap_or_else(|| "Relais <relais@relais.local>".into());
        mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("mail_from: {mail_from:?} is not an address: {e}"))?;
        let time_zone = env("RELAIS_TIME_ZONE")
            .or(file.time_zone)
            .unwrap_or_else(|| "Europe/Paris".into());
        jiff::tz::TimeZone::get(&time_zone)
            .map_err(|_| format!("time_zone: unknown zone {time_zone:?}"))?;
        let number = |name: &str,
                      v: Option<String>,
                      file: Option<i64>,
                      default: i64|
         -> Result<i64, String> {
            match v {
                Some(s) => s
                    .parse()
                    .map_err(|_| format!("{name}: {s:?} is not a number")),
                None => Ok(file.unwrap_or(default)),
            }
        };
        let session_idle_minutes = number(
            "session_idle_minutes",
            env("RELAIS_SESSION_IDLE_MINUTES"),
            file.session_idle_minutes,
            120,
        )?;
        let session_absolute_hours = number(
            "session_absolute_hours",
            env("RELAIS_SESSION_ABSOLUTE_HOURS"),
            file.session_absolute_hours,
            12,
        )?;
        if session_idle_minutes < 1 || session_absolute_hours < 1 {
            return Err("session lengths must be positive".into());
        }
        let body_limit_mb = number(
            "body_limit_mb",
            env("RELAIS_BODY_LIMIT_MB"),
            file.body_limit_mb.map(|v| v as i64),
            8,
        )?;
        if !(1..=1024).contains(&body_limit_mb) {
            return Err("body_limit_mb must be between 1 and 1024".into());
        }
        let disruption_undo_minutes = number(
            "disruption_undo_minutes",
            env("RELAIS_DISRUPTION_UNDO_MINUTES"),
            file.disruption_undo_minutes,
            10,
        )?;
        if !(0..=7 * 24 * 60).contains(&disruption_undo_minutes) {
            return Err("disruption_undo_minutes must be between 0 and 10080 (a week)".into());
        }
        let trusted_proxies = match env("RELAIS_TRUSTED_PROXIES").or(file.trusted_proxies) {
            None => relais_web::default_trusted_proxies(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse::<std::net::IpAddr>()
                        .map(|a| a.to_canonical())
                        .map_err(|_| {
                            format!("trusted_proxies: {a:?} is not an IP address like 127.0.0.1")
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let log_format = env("RELAIS_LOG_FORMAT")
            .or(file.log_format)
            .unwrap_or_else(|| "text".into());
        let log_json = match log_format.as_str() {
            "json" => true,
            "text" => false,
            other => return Err(format!("log_format: {other:?} must be text or json")),
        };
        Ok(Config {
            database_url,
            listen,
            public_url,
            smtp_url,
            mail_from,
            mail_folder: env("RELAIS_MAIL_FOLDER")
                .map(PathBuf::from)
                .or(file.mail_folder),
            time_zone,
            session_idle_minutes,
            session_absolute_hours,
            log_json,
            body_limit_mb: body_limit_mb as usize,
            disruption_undo_minutes,
            trusted_proxies,
        })
    }

    pub fn web(&self) -> relais_web::WebConfig {
        let domain = self
            .mail_from
            .rsplit('@')
            .next()
            .map(|d| d.trim_end_matches('>').to_string())
            .unwrap_or_else(|| "relais.local".into());
        relais_web::WebConfig {
            public_url: self.public_url.clone(),
            secure_cookies: self.public_url.starts_with("https://"),
            session_idle_secs: self.session_idle_minutes * 60,
            session_absolute_secs: self.session_absolute_hours * 3600,
            time_zone: self.time_zone.clone(),
            mail_folder: self.mail_folder.clone(),
            body_limit: self.body_limit_mb * 1024 * 1024,
            mail_domain: domain,
            undo_secs: self.disruption_undo_minutes * 60,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }

    /// Where mail goes: SMTP when configured, else the mail folder, else `relais-mail/` beside the process.
    pub fn mailer(&self) -> Result<relais_mail::Mailer, String> {
        let transport = match (&self.smtp_url, &self.mail_folder) {
            (Some(url), _) => relais_mail::Transport::smtp(url)?,
            (None, Some(dir)) => relais_mail::Transport::Folder(dir.clone()),
            (None, None) => relais_mail::Transport::Folder(PathBuf::from("relais-mail")),
        };
        Ok(relais_mail::Mailer {
            from: self
                .mail_from
                .parse()
                .map_err(|e| format!("mail_from: {e}"))?,
            transport,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Config, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        Config::load(
            &Sources {
                file: file.map(|f| (PathBuf::from("relais.toml"), f.to_string())),
                env: &lookup,
            },
            "sqlite://relais.db",
        )
    }

    #[test]
    fn environment_overrides_file_overrides_defaults() {
        let c = load(None, &[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url.expose(), "sqlite://relais.db");
        let c = load(
            Some("listen = \"127.0.0.1:9000\"\ntime_zone = \"Europe/Paris\""),
            &[],
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.public_url, "http://127.0.0.1:9000");
        let c = load(
            Some("listen = \"127.0.0.1:9000\""),
            &[("RELAIS_LISTEN", "127.0.0.1:9100")],
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9100);
    }

    #[test]
    fn bad_settings_are_refused_with_their_name() {
        assert!(
            load(None, &[("RELAIS_LISTEN", "nowhere")])
                .unwrap_err()
                .contains("listen")
        );
        assert!(
            load(None, &[("RELAIS_DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .contains("database_url")
        );
        assert!(
            load(None, &[("RELAIS_TIME_ZONE", "Mars/Olympus")])
                .unwrap_err()
                .contains("time_zone")
        );
        assert!(
            load(Some("colour = \"blue\""), &[])
                .unwrap_err()
                .contains("colour")
        );
        assert!(
            load(None, &[("RELAIS_SESSION_IDLE_MINUTES", "soon")])
                .unwrap_err()
                .contains("session_idle_minutes")
        );
        assert!(
            load(None, &[("RELAIS_TRUSTED_PROXIES", "10.0.0.2, proxy.lan")])
                .unwrap_err()
                .contains("trusted_proxies: \"proxy.lan\"")
        );
    }

    #[test]
    fn trusted_proxies_default_to_loopback() {
        let c = load(None, &[]).unwrap();
        assert_eq!(
            c.web().trusted_proxies,
            relais_web::default_trusted_proxies()
        );
        let c = load(Some("trusted_proxies = \"10.0.0.2, ::1\""), &[]).unwrap();
        assert_eq!(
            c.web().trusted_proxies,
            vec![
                "10.0.0.2".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        let c = load(None, &[("RELAIS_TRUSTED_PROXIES", "")]).unwrap();
        assert!(
            c.trusted_proxies.is_empty(),
            "none: the header is never read"
        );
    }

    #[test]
    fn secrets_are_masked_in_debug() {
        let c = load(
            None,
            &[
                ("RELAIS_DATABASE_URL", "postgres://relais:hunter2@db/relais"),
                ("RELAIS_SMTP_URL", "smtp://mailer:s3cret@127.0.0.1:2525"),
            ],
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
