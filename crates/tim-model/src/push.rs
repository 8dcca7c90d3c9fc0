//! Hand-written conveniences for `im_push` that the spec cannot express: minting the
//! `MsgRandom` idempotency key, and the common "text message" request.
//!
//! `MsgRandom` identifies one logical push: the service treats two pushes with the same value
//! within about a second as the same task. Mint one with [`new_msg_random`] per logical push
//! (`Default` and [`PushRequest::text`] do). It is no retry key: a push resent after a
//! timeout may be pushed twice, so the client never retries a push that may have been sent.

use crate::all_member_push::PushRequest;
use crate::common::{MsgElement, TextElem};

impl PushRequest {
    /// A push of one text message to every user, with a fresh `MsgRandom`. Set
    /// [`condition`](PushRequest::condition), [`msg_life_time`](PushRequest::msg_life_time)
    /// or the other fields to narrow or change it.
    ///
    /// ```
    /// use tim_model::all_member_push::{Condition, PushRequest};
    /// use tim_model::common::MsgElement;
    ///
    /// let push = PushRequest::text("maintenance at 02:00")
    ///     .condition(Condition::new().tags_or(["ops"]));
    /// assert!(matches!(&push.msg_body[0], MsgElement::Text(t) if t.text == "maintenance at 02:00"));
    /// ```
    pub fn text(text: impl Into<String>) -> PushRequest {
        PushRequest::new(vec![MsgElement::Text(TextElem::new(text))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::all_member_push::Condition;
    use crate::new_msg_random;
    use std::collections::HashSet;

    #[test]
    fn msg_randoms_do_not_repeat_in_practice() {
        let seen: HashSet<u32> = (0..10_000).map(|_| new_msg_random()).collect();
        assert!(seen.len() > 9_990, "{} distinct values", seen.len());
    }

    #[test]
    fn condition_constructors_fill_one_kind() {
        use crate::Validate;
        let c = Condition::new().tags_and(["beta", "vip"]);
        assert_eq!(
            c.tags_and.as_deref(),
            Some(&["beta".to_owned(), "vip".to_owned()][..])
        );
        assert!(c.tags_or.is_none() && c.attrs_or.is_none());
        let c = Condition::new().attrs_or([("city", "Paris")]);
        assert_eq!(c.attrs_or.unwrap()["city"], "Paris");
        // Mixing kinds is refused by the generated checks.
        let mixed = Condition::new()
            .attrs_and([("city", "Paris")])
            .tags_or(["a"]);
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
