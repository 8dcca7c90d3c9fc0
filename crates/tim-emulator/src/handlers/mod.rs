//! The ten `v4/all_member_push/*` endpoints: each handler decodes the body into the
//! generated request type (so the spec's limits and codes apply), adds the checks the spec
//! cannot express (registered attribute names, 100 tags per user, push pacing and quota),
//! then reads or changes the state. A failing call changes nothing: every check runs before
//! the first change.

mod attrs;
mod push;
mod tags;

use serde_json::{Map, Value};
use tim_client::Endpoint;

use crate::reply::ApiError;
use crate::service::{Body, Service};

/// The generated wire types.
pub(crate) use tim_client::types as wire;

/// Runs the handler of `ep` on the body (each handler parses it first).
pub(crate) fn dispatch(
    svc: &Service,
    ep: &'static Endpoint,
    body: Body<'_>,
    now_ms: u64,
) -> Result<Map<String, Value>, ApiError> {
    match ep.command {
        "im_push" => push::push(svc, body, now_ms),
        "im_set_attr_name" => attrs::set_attr_name(svc, body),
        "im_get_attr_name" => attrs::get_attr_name(svc, body),
        "im_get_attr" => attrs::get_attr(svc, body),
        "im_set_attr" => attrs::set_attr(svc, body),
        "im_remove_attr" => attrs::remove_attr(svc, body),
        "im_get_tag" => tags::get_tag(svc, body),
        "im_add_tag" => tags::add_tag(svc, body),
        "im_remove_tag" => tags::remove_tag(svc, body),
        "im_remove_all_tags" => tags::remove_all_tags(svc, body),
        other => Err(ApiError::new(
            60009,
            format!("v4/{}/{other} is not served by the emulator", ep.service),
        )),
    }
}
