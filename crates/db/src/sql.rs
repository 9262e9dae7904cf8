//! Building a query whose shape depends on input (optional filters, lists)
//! with `$n` placeholders that both backends accept, binding values in order.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AssertSqlSafe, FromRow};

#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    /// NULL, in an integer column.
    NullInt,
    /// NULL, in a text column.
    NullText,
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NullInt, Value::Int)
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::NullText, Value::Text)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

#[derive(Debug, Clone, Default)]
pub struct SqlBuf {
    sql: String,
    values: Vec<Value>,
}

impl SqlBuf {
    pub fn new(sql: &str) -> Self {
        SqlBuf {
            sql: sql.to_string(),
            values: Vec::new(),
        }
    }

    /// Appends SQL text written by the programmer (never input).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `v`.
    pub fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        self.sql.push_str(&format!("${}", self.values.len()));
        self
    }

    /// Appends `(p1, p2, …)` bound to `vs`, for `IN` and `NOT IN`; `(NULL)`
    /// when empty, which matches nothing with `IN` and with `NOT IN` alike
    /// (both are NULL): where `NOT IN` an empty list should match every row,
    /// leave the condition out.
    ///
    /// The list is made as long as the next power of two by repeating its
    /// last value, which changes nothing an `IN` matches: a list of 5 and
    /// one of 7 are then the same statement. Each connection keeps a
    /// hundred prepared statements (sqlx's default); with one statement per
    /// length, the lists of a registration group's reads pushed the others
    /// out, and each one pushed out cost two more round trips (a `Close`,
    /// then a `Parse`) and a fresh plan. See docs/performance.md, session 12.
    pub fn bind_list<V: Into<Value>>(&mut self, vs: impl IntoIterator<Item = V>) -> &mut Self {
        let vs: Vec<Value> = vs.into_iter().map(Into::into).collect();
        let Some(last) = vs.last().cloned() else {
            self.sql.push_str("(NULL)");
            return self;
        };
        let padding = vs.len().next_power_of_two() - vs.len();
        self.sql.push('(');
        for (i, v) in vs
            .into_iter()
            .chain(std::iter::repeat_n(last, padding))
            .enumerate()
        {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(v);
        }
        self.sql.push(')');
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.sql.clone()));
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(s) => q.bind(s.clone()),
                Value::NullInt => q.bind(None::<i64>),
                Value::NullText => q.bind(None::<String>),
            };
        }
        q
    }

    pub fn query_as<T>(&self) -> QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as(AssertSqlSafe(self.sql.clone()));
        for v in &self.values {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(s) => q.bind(s.clone()),
                Value::NullInt => q.bind(None::<i64>),
                Value::NullText => q.bind(None::<String>),
            };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut b = SqlBuf::new("SELECT 1 WHERE a = ");
        b.bind(1)
            .push(" AND b IN ")
            .bind_list(["x", "y"])
            .push(" AND c IN ")
            .bind_list(Vec::<i64>::new());
        assert_eq!(
            b.sql(),
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3) AND c IN (NULL)"
        );
    }

    #[test]
    fn a_list_is_as_long_as_the_next_power_of_two() {
        let lengths: Vec<usize> = (1..=9)
            .map(|n| {
                let mut b = SqlBuf::new("");
                b.bind_list(1..=n as i64);
                b.values.len()
            })
            .collect();
        assert_eq!(lengths, [1, 2, 4, 4, 8, 8, 8, 8, 16]);
        let mut b = SqlBuf::new("x IN ");
        b.bind_list([7_i64, 8, 9]);
        assert_eq!(b.sql(), "x IN ($1, $2, $3, $4)");
        // The padding repeats the last value: nothing else can match.
        let bound: Vec<i64> = b
            .values
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => -1,
            })
            .collect();
        assert_eq!(bound, [7, 8, 9, 9]);
    }
}
