//! Reading forms that carry files (multipart), with the CSRF check the
//! urlencoded `CsrfForm` does for the others.

use std::collections::HashMap;

use axum::extract::Multipart;
use relais_web::{AppError, Ctx};

use crate::attachments::Upload;

pub(crate) struct FormWithFiles {
    pub fields: HashMap<String, String>,
    pub files: Vec<Upload>,
}

impl FormWithFiles {
    pub fn get(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }

    pub fn opt(&self, k: &str) -> Option<String> {
        self.fields.get(k).cloned().filter(|v| !v.trim().is_empty())
    }
}

pub(crate) async fn read(ctx: &Ctx, mut m: Multipart) -> Result<FormWithFiles, AppError> {
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    let too_big = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest
        }
    };
    while let Some(field) = m.next_field().await.map_err(too_big)? {
        let name = field.name().unwrap_or("").to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let data = field.bytes().await.map_err(too_big)?;
            if !file_name.is_empty() && !data.is_empty() {
                files.push(Upload {
                    file_name,
                    content_type,
                    data: data.to_vec(),
                });
            }
        } else {
            let value = field.text().await.map_err(too_big)?;
            fields.insert(name, value);
        }
    }
    relais_web::form::check_csrf(ctx, fields.get("_csrf").map(String::as_str))?;
    Ok(FormWithFiles { fields, files })
}
