//! What differs between the bulk operations: the [`Op`] trait and one implementation per
//! bulk method (its input item, how an item is checked and split into request parts, the
//! request it builds and the per-account results of the response).

use serde::Serialize;

use super::{ADD_TAGS_PER_REQUEST, MAX_TAGS_PER_ACCOUNT};
use crate::endpoint::Request;
use crate::generated::types::{
    AddTagRequest, GetAttrRequest, GetTagRequest, RemoveAllTagsRequest, RemoveAttrRequest,
    RemoveTagRequest, SetAttrRequest, UserAttrNames, UserAttrs, UserTags, UserTagsToAdd,
};
use crate::validate::{self, FieldPath, Validate, ValidationError};

/// What differs between the bulk operations.
pub(super) trait Op {
    /// One input item.
    type Item: Serialize;
    /// One account's entry in a request (an item may need several, in several requests).
    type Part: Clone + Send;
    /// The request of the endpoint.
    type Request: Request;
    /// What a get operation hands to the sink per account (`()` for writes).
    type Out: Send;

    fn account(item: &Self::Item) -> &str;
    fn part_account(part: &Self::Part) -> &str;
    /// Checks the item on its own.
    fn check(item: &Self::Item) -> Result<(), ValidationError>;
    /// Splits a valid item into the parts to send (at least one).
    fn split(item: Self::Item) -> Vec<Self::Part>;
    fn request(parts: Vec<Self::Part>) -> Self::Request;
    /// The per-account results of a successful call; `None` for writes (every account
    /// succeeded).
    fn outputs(response: <Self::Request as Request>::Response) -> Option<Vec<(String, Self::Out)>>;
}

/// Checks a plain account with the spec's limits of the request's account list.
fn check_account<R: Validate>(
    account: &str,
    wrap: impl FnOnce(Vec<String>) -> R,
) -> Result<(), ValidationError> {
    wrap(vec![account.to_owned()]).validate()
}

pub(super) struct GetTags;
impl Op for GetTags {
    type Item = String;
    type Part = String;
    type Request = GetTagRequest;
    type Out = UserTags;
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| GetTagRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> GetTagRequest {
        GetTagRequest { to_account: parts }
    }
    fn outputs(response: crate::types::GetTagResponse) -> Option<Vec<(String, UserTags)>> {
        Some(
            response
                .user_tags
                .unwrap_or_default()
                .into_iter()
                .map(|u| (u.to_account.clone(), u))
                .collect(),
        )
    }
}

pub(super) struct AddTags;
impl Op for AddTags {
    type Item = UserTagsToAdd;
    type Part = UserTagsToAdd;
    type Request = AddTagRequest;
    type Out = ();
    fn account(item: &UserTagsToAdd) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserTagsToAdd) -> &str {
        &part.to_account
    }
    fn check(item: &UserTagsToAdd) -> Result<(), ValidationError> {
        let tags = FieldPath::Root.field("Tags");
        validate::max_items(
            &tags,
            item.tags.len(),
            MAX_TAGS_PER_ACCOUNT as u64,
            Some(90032),
        )?;
        // Each part must pass the request's own limits (10 tags, 1..=50 bytes each...).
        for (n, chunk) in item.tags.chunks(ADD_TAGS_PER_REQUEST).enumerate() {
            let part = UserTagsToAdd {
                to_account: item.to_account.clone(),
                tags: chunk.to_vec(),
            };
            part.validate().map_err(|mut e| {
                // Point at the tag's index in the item, not in the part.
                if let Some(rest) = e.field.strip_prefix("Tags[")
                    && let Some((i, tail)) = rest.split_once(']')
                    && let Ok(i) = i.parse::<usize>()
                {
                    e.field = format!("Tags[{}]{tail}", n * ADD_TAGS_PER_REQUEST + i);
                }
                e
            })?;
        }
        if item.tags.is_empty() {
            return validate::min_items(&tags, 0, 1, None);
        }
        Ok(())
    }
    fn split(item: UserTagsToAdd) -> Vec<UserTagsToAdd> {
        item.tags
            .chunks(ADD_TAGS_PER_REQUEST)
            .map(|chunk| UserTagsToAdd {
                to_account: item.to_account.clone(),
                tags: chunk.to_vec(),
            })
            .collect()
    }
    fn request(parts: Vec<UserTagsToAdd>) -> AddTagRequest {
        AddTagRequest { user_tags: parts }
    }
    fn outputs(_: crate::types::AddTagResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

pub(super) struct RemoveTags;
impl Op for RemoveTags {
    type Item = UserTags;
    type Part = UserTags;
    type Request = RemoveTagRequest;
    type Out = ();
    fn account(item: &UserTags) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserTags) -> &str {
        &part.to_account
    }
    fn check(item: &UserTags) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserTags) -> Vec<UserTags> {
        vec![item]
    }
    fn request(parts: Vec<UserTags>) -> RemoveTagRequest {
        RemoveTagRequest { user_tags: parts }
    }
    fn outputs(_: crate::types::RemoveTagResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

pub(super) struct RemoveAllTags;
impl Op for RemoveAllTags {
    type Item = String;
    type Part = String;
    type Request = RemoveAllTagsRequest;
    type Out = ();
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| RemoveAllTagsRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> RemoveAllTagsRequest {
        RemoveAllTagsRequest { to_account: parts }
    }
    fn outputs(_: crate::types::RemoveAllTagsResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

pub(super) struct GetAttrs;
impl Op for GetAttrs {
    type Item = String;
    type Part = String;
    type Request = GetAttrRequest;
    type Out = UserAttrs;
    fn account(item: &String) -> &str {
        item
    }
    fn part_account(part: &String) -> &str {
        part
    }
    fn check(item: &String) -> Result<(), ValidationError> {
        check_account(item, |to_account| GetAttrRequest { to_account })
    }
    fn split(item: String) -> Vec<String> {
        vec![item]
    }
    fn request(parts: Vec<String>) -> GetAttrRequest {
        GetAttrRequest { to_account: parts }
    }
    fn outputs(response: crate::types::GetAttrResponse) -> Option<Vec<(String, UserAttrs)>> {
        Some(
            response
                .user_attrs
                .unwrap_or_default()
                .into_iter()
                .map(|u| (u.to_account.clone(), u))
                .collect(),
        )
    }
}

pub(super) struct SetAttrs;
impl Op for SetAttrs {
    type Item = UserAttrs;
    type Part = UserAttrs;
    type Request = SetAttrRequest;
    type Out = ();
    fn account(item: &UserAttrs) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserAttrs) -> &str {
        &part.to_account
    }
    fn check(item: &UserAttrs) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserAttrs) -> Vec<UserAttrs> {
        vec![item]
    }
    fn request(parts: Vec<UserAttrs>) -> SetAttrRequest {
        SetAttrRequest { user_attrs: parts }
    }
    fn outputs(_: crate::types::SetAttrResponse) -> Option<Vec<(String, ())>> {
        None
    }
}

pub(super) struct RemoveAttrs;
impl Op for RemoveAttrs {
    type Item = UserAttrNames;
    type Part = UserAttrNames;
    type Request = RemoveAttrRequest;
    type Out = ();
    fn account(item: &UserAttrNames) -> &str {
        &item.to_account
    }
    fn part_account(part: &UserAttrNames) -> &str {
        &part.to_account
    }
    fn check(item: &UserAttrNames) -> Result<(), ValidationError> {
        item.validate()
    }
    fn split(item: UserAttrNames) -> Vec<UserAttrNames> {
        vec![item]
    }
    fn request(parts: Vec<UserAttrNames>) -> RemoveAttrRequest {
        RemoveAttrRequest { user_attrs: parts }
    }
    fn outputs(_: crate::types::RemoveAttrResponse) -> Option<Vec<(String, ())>> {
        None
    }
}
