//! Validated values. Each can only be built through `parse`, so a service that
//! holds one knows it is well formed.

use serde::Serialize;

use crate::error::{Error, Result};

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim().to_lowercase();
        let bad = || Error::invalid("email", "error-email-invalid");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || s.len() > 254
            || s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
            || domain.contains('@')
        {
            return Err(bad());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An employee number from HR: 1 to 32 letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmployeeNumber(String);

impl EmployeeNumber {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s.is_empty() || s.len() > 32 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::invalid(
                "employee_number",
                "error-employee-number-invalid",
            ));
        }
        Ok(EmployeeNumber(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit code such as "U1234" or "UMR-5535": letters, digits, dashes, 1 to 32.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s.is_empty()
            || s.len() > 32
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::invalid("unit_code", "error-unit-code-invalid"));
        }
        Ok(UnitCode(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name people read (a person's, a unit's): trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub fn parse(field: &'static str, s: &str) -> Result<Self> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::invalid(field, "error-required"));
        }
        if s.chars().count() > 200 || s.chars().any(char::is_control) {
            return Err(Error::invalid(field, "error-name-invalid"));
        }
        Ok(Name(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 12 characters, at most 200.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

impl NewPassword {
    pub fn parse(s: &str) -> Result<Self> {
        let n = s.chars().count();
        if n < 12 {
            return Err(Error::invalid("password", "error-password-too-short"));
        }
        if n > 200 {
            return Err(Error::invalid("password", "error-password-too-long"));
        }
        Ok(NewPassword(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Jean.Dupont@Inserm.FR ").unwrap().as_str(),
            "jean.dupont@inserm.fr"
        );
        for bad in [
            "", "a", "a@b", "@x.fr", "a@.fr", "a b@x.fr", "a@x.fr.", "a@b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn employee_numbers_and_codes() {
        assert_eq!(EmployeeNumber::parse(" a123 ").unwrap().as_str(), "A123");
        assert!(EmployeeNumber::parse("12 34").is_err());
        assert!(EmployeeNumber::parse("").is_err());
        assert_eq!(UnitCode::parse("umr-1234").unwrap().as_str(), "UMR-1234");
        assert!(UnitCode::parse("U 1").is_err());
    }

    #[test]
    fn names_and_passwords() {
        assert!(Name::parse("first_name", "  ").is_err());
        assert_eq!(Name::parse("first_name", " Zoé ").unwrap().as_str(), "Zoé");
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough pass").is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("long enough pass").unwrap()),
            "NewPassword(<redacted>)"
        );
    }
}
