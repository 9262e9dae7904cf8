//! A small HTTP/1.1 client over hyper: one keep-alive connection per client,
//! opened again when the server closed it. Refuses anything but loopback.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use anyhow::{Context, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Where to connect: a loopback socket address and the Host header.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    pub host: String,
}

/// Resolves `http://host:port` and checks that it is a loopback address.
pub async fn target(base: &str) -> anyhow::Result<Target> {
    let Some(rest) = base.strip_prefix("http://") else {
        bail!("the base URL must start with http:// (plain HTTP on loopback): {base}");
    };
    let host = rest.trim_end_matches('/').to_string();
    if host.contains('/') {
        bail!("the base URL takes no path: {base}");
    }
    let with_port = if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        host.clone()
    } else {
        format!("{host}:80")
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host(&with_port)
        .await
        .with_context(|| format!("cannot resolve {with_port}"))?
        .collect();
    let Some(addr) = addrs.first().copied() else {
        bail!("{with_port} resolves to nothing");
    };
    if !addrs.iter().all(|a| a.ip().is_loopback()) {
        bail!("{with_port} is not a loopback address; the drivers only load local servers");
    }
    Ok(Target { addr, host })
}

type Sender = SendRequest<Full<Bytes>>;

async fn connect(t: &Target) -> anyhow::Result<Sender> {
    let stream = TcpStream::connect(t.addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

pub struct Reply {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The start of the body, for error samples.
    pub fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(300)
            .collect()
    }
}

pub type Headers = Vec<(header::HeaderName, String)>;

/// One client: a keep-alive connection to one target.
pub struct Client {
    pub target: Target,
    sender: Option<Sender>,
}

impl Client {
    pub fn new(target: Target) -> Self {
        Client {
            target,
            sender: None,
        }
    }

    /// Forgets the connection (after a timeout, say), so the next request opens another.
    pub fn reset(&mut self) {
        self.sender = None;
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: Bytes,
    ) -> anyhow::Result<Reply> {
        if let Some(s) = &mut self.sender
            && s.ready().await.is_err()
        {
            self.sender = None;
        }
        if self.sender.is_none() {
            self.sender = Some(connect(&self.target).await?);
        }
        let sender = self.sender.as_mut().expect("connected above");
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.target.host)
            .header(header::CONTENT_LENGTH, body.len());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = match sender.send_request(req.body(Full::new(body))?).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        let status = res.status().as_u16();
        let (parts, body) = res.into_parts();
        let body = match body.collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        Ok(Reply {
            status,
            headers: parts.headers,
            body,
        })
    }
}

pub fn bearer(token: &str) -> (header::HeaderName, String) {
    (header::AUTHORIZATION, format!("Bearer {token}"))
}

pub fn json_body() -> (header::HeaderName, String) {
    (header::CONTENT_TYPE, "application/json".to_string())
}

fn set_cookies(h: &hyper::HeaderMap, jar: &mut BTreeMap<String, String>) {
    for v in h.get_all(header::SET_COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        let pair = v.split(';').next().unwrap_or("");
        if let Some((k, val)) = pair.split_once('=') {
            jar.insert(k.trim().to_string(), val.trim().to_string());
        }
    }
}

fn cookie_header(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Signs in through the `/login` form, as a browser would; returns the
/// Cookie header to send with later requests.
pub async fn sign_in(t: &Target, email: &str, password: &str) -> anyhow::Result<String> {
    let mut c = Client::new(t.clone());
    let mut jar = BTreeMap::new();
    let page = c.send(Method::GET, "/login", &[], Bytes::new()).await?;
    if page.status != 200 {
        bail!("GET /login answered {}", page.status);
    }
    set_cookies(&page.headers, &mut jar);
    let html = String::from_utf8_lossy(&page.body);
    let marker = "name=\"_csrf\" value=\"";
    let csrf = match html.find(marker) {
        Some(at) => {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        }
        None => jar.get("relais_csrf").cloned().unwrap_or_default(),
    };
    let form = serde_urlencoded::to_string([
        ("_csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/"),
    ])?;
    let r = c
        .send(
            Method::POST,
            "/login",
            &[
                (
                    header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded".to_string(),
                ),
                (header::COOKIE, cookie_header(&jar)),
            ],
            Bytes::from(form),
        )
        .await?;
    set_cookies(&r.headers, &mut jar);
    if !jar.contains_key("relais_session") {
        bail!("signing in as {email} failed: {} {}", r.status, r.excerpt());
    }
    Ok(cookie_header(&jar))
}
