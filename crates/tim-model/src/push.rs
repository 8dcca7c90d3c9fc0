//! Hand-written conveniences for `im_push` that the spec cannot express: minting the
//! `MsgRandom` idempotency key, and the common "text message" request.
//!
//! `MsgRandom` identifies one logical push: the service treats two pushes with the same value
//! within about a second as the same task. Mint one with [`new_msg_random`] per logical push
//! (`Default` and [`PushRequest::text`] do). It is no retry key: a push resent after a
//! timeout may be pushed twice, so the client never retries a push that may have been sent.

use std::collections::BTreeMap;

use crate::all_member_push::{Condition, PushRequest};
use crate::common::{MsgElement, TextElem};
use crate::new_msg_random;

impl PushRequest {
    /// A push of one text message to every user, with a fresh `MsgRandom`. Set
    /// [`condition`](PushRequest::condition), [`msg_life_time`](PushRequest::msg_life_time)
    /// or the other fields to narrow or change it.
    ///
    /// ```
    /// use tim_model::all_member_push::{Condition, PushRequest};
    /// use tim_model::common::MsgElement;
    ///
    /// let mut push = PushRequest::text("maintenance at 02:00");
    /// push.condition = Some(Condition { tags_or: Some(vec!["ops".into()]), ..Default::default() });
    /// assert!(matches!(&push.msg_body[0], MsgElement::Text(t) if t.text == "maintenance at 02:00"));
    /// ```
    pub fn text(text: impl Into<String>) -> PushRequest {
        PushRequest::new(
            new_msg_random(),
            vec![MsgElement::Text(TextElem { text: text.into() })],
        )
    }
}

/// Conditions of one kind, the way every push is written: `Condition::tags_and(["beta"])`.
/// Combine by setting the other fields (tag and attribute conditions must not be mixed; the
/// generated checks refuse that before sending).
impl Condition {
    /// Users with any of `tags` (`TagsOr`).
    pub fn tags_or<S: Into<String>>(tags: impl IntoIterator<Item = S>) -> Condition {
        Condition {
            tags_or: Some(tags.into_iter().map(Into::into).collect()),
            ..Condition::default()
        }
    }

    /// Users with all of `tags` (`TagsAnd`).
    pub fn tags_and<S: Into<String>>(tags: impl IntoIterator<Item = S>) -> Condition {
        Condition {
            tags_and: Some(tags.into_iter().map(Into::into).collect()),
            ..Condition::default()
        }
    }

    /// Users with any of the attribute values (`AttrsOr`, name -> value).
    pub fn attrs_or<K: Into<String>, V: Into<String>>(
        attrs: impl IntoIterator<Item = (K, V)>,
    ) -> Condition {
        Condition {
            attrs_or: Some(collect_attrs(attrs)),
            ..Condition::default()
        }
    }

    /// Users with all of the attribute values (`AttrsAnd`, name -> value).
    pub fn attrs_and<K: Into<String>, V: Into<String>>(
        attrs: impl IntoIterator<Item = (K, V)>,
    ) -> Condition {
        Condition {
            attrs_and: Some(collect_attrs(attrs)),
            ..Condition::default()
        }
    }
}

fn collect_attrs<K: Into<String>, V: Into<String>>(
    attrs: impl IntoIterator<Item = (K, V)>,
) -> BTreeMap<String, String> {
    attrs
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn msg_randoms_do_not_repeat_in_practice() {
        let seen: HashSet<u32> = (0..10_000).map(|_| new_msg_random()).collect();
        assert!(seen.len() > 9_990, "{} distinct values", seen.len());
    }

    #[test]
    fn condition_constructors_fill_one_kind() {
        use crate::Validate;
        let c = Condition::tags_and(["beta", "vip"]);
        assert_eq!(
            c.tags_and.as_deref(),
            Some(&["beta".to_owned(), "vip".to_owned()][..])
        );
        assert!(c.tags_or.is_none() && c.attrs_or.is_none());
        let c = Condition::attrs_or([("city", "Paris")]);
        assert_eq!(c.attrs_or.unwrap()["city"], "Paris");
        // Mixing kinds is refused by the generated checks.
        let mixed = Condition {
            tags_or: Some(vec!["a".into()]),
            ..Condition::attrs_and([("city", "Paris")])
        };
        assert!(mixed.validate().is_err());
    }

    #[test]
    fn pushes_built_with_default_get_their_own_key() {
        // `MsgRandom` has `"default": "random"` in the spec: two pushes built from
        // `Default` are not one task to the service.
        let body = vec![MsgElement::Text(TextElem { text: "hi".into() })];
        let a = PushRequest {
            msg_body: body.clone(),
            ..Default::default()
        };
        let b = PushRequest {
            msg_body: body,
            ..Default::default()
        };
        assert_ne!(a.msg_random, b.msg_random);
    }

    #[test]
    fn text_push_goes_to_everyone_with_its_own_key() {
        let a = PushRequest::text("hi");
        let b = PushRequest::text("hi");
        assert!(a.condition.is_none());
        assert_ne!(a.msg_random, b.msg_random);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json["MsgBody"],
            serde_json::json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}])
        );
    }
}
