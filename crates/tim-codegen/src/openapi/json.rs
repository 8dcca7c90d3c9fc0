//! The ordered JSON tree [`J`] the document is built as, and its pretty printer: objects
//! keep insertion order whatever `serde_json` features the build enables, so the output
//! only depends on the spec.

use serde_json::{Number, Value};

/// An ordered JSON value: objects keep insertion order, whatever `serde_json` features the
/// build enables, so the output only depends on the spec.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum J {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    pub(super) fn obj() -> J {
        J::Obj(Vec::new())
    }

    /// Sets `key`, replacing its value in place or appending it. No-op on non-objects
    /// (never called on them).
    pub(super) fn set(&mut self, key: impl Into<String>, value: impl Into<J>) {
        if let J::Obj(entries) = self {
            let key = key.into();
            let value = value.into();
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => entries.push((key, value)),
            }
        }
    }

    pub(super) fn with(mut self, key: impl Into<String>, value: impl Into<J>) -> J {
        self.set(key, value);
        self
    }

    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn as_i128(&self) -> Option<i128> {
        match self {
            J::Num(n) => n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from)),
            _ => None,
        }
    }

    /// Converts a `serde_json` value, sorting object keys.
    pub(super) fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.clone()),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(m) => {
                let mut entries: Vec<(String, J)> = m
                    .iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                J::Obj(entries)
            }
        }
    }

    /// Pretty-prints like `serde_json::to_string_pretty`: two-space indent, `"key": value`.
    pub(super) fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n("  ", n));
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(&n.to_string()),
            J::Str(s) => write_str(out, s),
            J::Arr(items) if items.is_empty() => out.push_str("[]"),
            J::Obj(entries) if entries.is_empty() => out.push_str("{}"),
            J::Arr(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write_pretty(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            J::Obj(entries) => {
                out.push_str("{\n");
                for (i, (k, v)) in entries.iter().enumerate() {
                    pad(out, indent + 1);
                    write_str(out, k);
                    out.push_str(": ");
                    v.write_pretty(out, indent + 1);
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    // Serializing a `&str` cannot fail.
    out.push_str(&Value::from(s).to_string());
}

impl From<&str> for J {
    fn from(s: &str) -> J {
        J::Str(s.to_owned())
    }
}

impl From<String> for J {
    fn from(s: String) -> J {
        J::Str(s)
    }
}

impl From<bool> for J {
    fn from(b: bool) -> J {
        J::Bool(b)
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for J {
            fn from(n: $t) -> J {
                J::Num(Number::from(n))
            }
        }
    )*};
}
from_int!(u8, u16, u32, u64, i32, i64);
