//! CSV imports of units and people, from the command line and the admin
//! page alike. Files are UTF-8 (with or without BOM), separated by `;` (as
//! French spreadsheets export) or `,`. Every error names its line. Nothing is
//! written when any line is bad, unless the caller asks to skip bad lines.
//! A re-import updates people matched by employee number, else by email.

mod people;
mod units;

use relais_core::Msg;
use serde::Serialize;

pub use people::import_people;
pub use units::import_units;

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Write the good lines and report the bad ones, instead of writing nothing.
    pub skip_invalid: bool,
}

/// An error on one line of the file (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub field: Option<&'static str>,
    pub msg: Msg,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    #[serde(skip)]
    pub errors: Vec<LineError>,
    /// False when the import was refused as a whole and nothing was written.
    pub written: bool,
}

impl ImportReport {
    /// The closing line, the same on the command line and the admin page.
    pub fn summary(&self) -> String {
        format!(
            "created {}, updated {}, unchanged {}, rejected {}",
            self.created, self.updated, self.unchanged, self.rejected
        )
    }

    fn refused(errors: Vec<LineError>, rejected: u64) -> Self {
        ImportReport {
            rejected,
            errors,
            written: false,
            ..Default::default()
        }
    }
}

/// Reports progress while writing: (rows done, rows in all).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

pub fn no_progress(_: u64, _: u64) {}

fn line_error(line: u64, field: Option<&'static str>, msg: Msg) -> LineError {
    LineError { line, field, msg }
}

/// Checks the encoding and drops a BOM. An error names the line of the first bad byte.
fn decode(bytes: &[u8]) -> Result<&str, LineError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(line_error(1, None, Msg::new("import-error-encoding-utf16")));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let line = body[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        line_error(
            line,
            None,
            Msg::new("import-error-encoding").arg("line", line),
        )
    })
}

/// `;` when the header has more semicolons than commas, else `,`.
fn sniff_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() >= header.matches(',').count().max(1) {
        b';'
    } else {
        b','
    }
}

/// A parsed file: the header's column positions and the records with their line numbers.
struct Table {
    records: Vec<(u64, csv::StringRecord)>,
    columns: Vec<String>,
}

impl Table {
    /// File-level problems (encoding, missing columns) are `Err`; lines the
    /// CSV reader could not read come back beside the table, to be rejected.
    fn parse(bytes: &[u8], required: &[&str]) -> Result<(Table, Vec<LineError>), Vec<LineError>> {
        let text = decode(bytes).map_err(|e| vec![e])?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sniff_separator(text))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| {
                vec![line_error(
                    1,
                    None,
                    Msg::new("import-error-csv").arg("detail", e),
                )]
            })?
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        let missing: Vec<LineError> = required
            .iter()
            .filter(|c| !columns.iter().any(|h| h == *c))
            .map(|c| {
                line_error(
                    1,
                    None,
                    Msg::new("import-error-missing-column").arg("column", c),
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut records = Vec::new();
        let mut errors = Vec::new();
        for rec in reader.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map(|p| p.line()).unwrap_or(0);
                    if r.iter().all(str::is_empty) {
                        continue;
                    }
                    if r.len() != columns.len() {
                        errors.push(line_error(
                            line,
                            None,
                            Msg::new("import-error-field-count")
                                .arg("expected", columns.len())
                                .arg("found", r.len()),
                        ));
                        continue;
                    }
                    records.push((line, r));
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    errors.push(line_error(
                        line,
                        None,
                        Msg::new("import-error-csv").arg("detail", e),
                    ));
                }
            }
        }
        Ok((Table { records, columns }, errors))
    }

    fn index(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or(usize::MAX)
    }
}

fn field(r: &csv::StringRecord, i: usize) -> &str {
    r.get(i).unwrap_or("")
}
