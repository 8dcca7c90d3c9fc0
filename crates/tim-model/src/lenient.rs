//! Decoders for integer fields the docs send either as numbers or as strings holding them
//! (spec `"lenient": true`): the Group callback pages document `EventTime` as an Integer and
//! print it as `"1670574414123"`. Values are always encoded as numbers.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

struct Lenient<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for Lenient<T>
where
    T: TryFrom<u64> + TryFrom<i64> + FromStr,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or a string holding one")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("{v:?} is not an integer in range")))
    }
}

/// Decodes an integer from a JSON number or a string holding one.
///
/// # Errors
///
/// Neither, or out of the type's range.
pub fn int<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64> + FromStr,
{
    deserializer.deserialize_any(Lenient(PhantomData))
}

/// [`int`] for an optional field (`null` is `None`).
///
/// # Errors
///
/// As [`int`].
pub fn opt_int<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + TryFrom<i64> + FromStr,
{
    #[derive(serde::Deserialize)]
    struct Wrap<T: TryFrom<u64> + TryFrom<i64> + FromStr>(#[serde(deserialize_with = "int")] T);
    let v: Option<Wrap<T>> = serde::Deserialize::deserialize(deserializer)?;
    Ok(v.map(|Wrap(t)| t))
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::int")]
        a: u64,
        #[serde(default, deserialize_with = "super::opt_int")]
        b: Option<u32>,
    }

    #[test]
    fn numbers_and_numeric_strings() {
        let t: T = serde_json::from_str(r#"{"a": "1670574414123", "b": 7}"#).unwrap();
        assert_eq!((t.a, t.b), (1_670_574_414_123, Some(7)));
        let t: T = serde_json::from_str(r#"{"a": 5, "b": "8"}"#).unwrap();
        assert_eq!((t.a, t.b), (5, Some(8)));
        let t: T = serde_json::from_str(r#"{"a": 5}"#).unwrap();
        assert_eq!(t.b, None);
        assert!(serde_json::from_str::<T>(r#"{"a": "x"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a": -1}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a": 1, "b": "99999999999"}"#).is_err());
    }
}
