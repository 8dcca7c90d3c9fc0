//! Every answer of the emulator decodes into the response type generated from the spec,
//! and re-encodes to the same JSON: no field the spec does not know, none misnamed.

mod common;

use common::{Harness, push_body};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tim_model::all_member_push::{
    AddTagResponse, GetAttrNameResponse, GetAttrResponse, GetTagResponse, PushResponse,
    RemoveAllTagsResponse, RemoveAttrResponse, RemoveTagResponse, SetAttrNameResponse,
    SetAttrResponse,
};

fn round_trip<T: DeserializeOwned + Serialize>(v: &Value) -> T {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), v);
    typed
}

#[test]
fn answers_match_the_generated_response_types() {
    let h = Harness::start();
    round_trip::<SetAttrNameResponse>(
        &h.ok("im_set_attr_name", json!({"AttrNames": {"0": "city"}})),
    );
    let names: GetAttrNameResponse = round_trip(&h.ok("im_get_attr_name", json!({})));
    assert_eq!(
        names.attr_names.unwrap().get("0").map(String::as_str),
        Some("city")
    );
    round_trip::<SetAttrResponse>(&h.ok(
        "im_set_attr",
        json!({"UserAttrs": [{"To_Account": "a", "Attrs": {"city": "x"}}]}),
    ));
    let attrs: GetAttrResponse =
        round_trip(&h.ok("im_get_attr", json!({"To_Account": ["a", "b"]})));
    let attrs = attrs.user_attrs.unwrap();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0].attrs.get("city").map(String::as_str), Some("x"));
    assert!(attrs[1].attrs.is_empty());
    round_trip::<RemoveAttrResponse>(&h.ok(
        "im_remove_attr",
        json!({"UserAttrs": [{"To_Account": "a", "Attrs": ["city"]}]}),
    ));
    round_trip::<AddTagResponse>(&h.ok(
        "im_add_tag",
        json!({"UserTags": [{"To_Account": "a", "Tags": ["t"]}]}),
    ));
    let tags: GetTagResponse = round_trip(&h.ok("im_get_tag", json!({"To_Account": ["a"]})));
    assert_eq!(tags.user_tags.unwrap()[0].tags, ["t"]);
    round_trip::<RemoveTagResponse>(&h.ok(
        "im_remove_tag",
        json!({"UserTags": [{"To_Account": "a", "Tags": ["t"]}]}),
    ));
    round_trip::<RemoveAllTagsResponse>(&h.ok("im_remove_all_tags", json!({"To_Account": ["a"]})));
    let push: PushResponse = round_trip(&h.ok("im_push", push_body(5)));
    assert!(push.task_id.unwrap().contains("_5_"));
    let failed: GetTagResponse = round_trip(&h.call("im_get_tag", json!({"To_Account": []})));
    let env = tim_model::Response::envelope(&failed);
    assert_eq!(env.action_status, Some("FAIL"));
    assert_ne!(env.error_code, Some(0));
    assert!(env.error_info.unwrap().contains("To_Account"));
}
