//! im_get_tag, im_add_tag, im_remove_tag, im_remove_all_tags.
//!
//! A user holds at most [`MAX_TAGS_PER_USER`] tags. The docs say "once a user has more than
//! 100, old tags must be deleted before new ones can be added"; the emulator refuses, with
//! 90032 (the family's "too many tags" code), any add that would leave a user with more than
//! 100, and applies nothing of that request. Adding a tag the user already has changes
//! nothing and does not count.

use std::collections::HashMap;

use tim_model::ErrorCode;
use tim_model::all_member_push::{
    AddTagRequest, AddTagResponse, GetTagRequest, GetTagResponse, RemoveAllTagsRequest,
    RemoveAllTagsResponse, RemoveTagRequest, RemoveTagResponse, UserTags,
};

use crate::call::Call;
use crate::reply::ApiError;

/// Tags one user may hold.
pub(crate) const MAX_TAGS_PER_USER: usize = 100;

pub(super) fn get_tag(call: &Call<'_>, req: GetTagRequest) -> Result<GetTagResponse, ApiError> {
    let store = call.svc.state.lock();
    let users = req
        .to_account
        .into_iter()
        .map(|a| {
            let tags = store
                .accounts
                .get(&a)
                .map(|x| x.tags.clone())
                .unwrap_or_default();
            UserTags::new(a, tags)
        })
        .collect();
    let mut resp = GetTagResponse::default();
    resp.user_tags = Some(users);
    Ok(resp)
}

pub(super) fn add_tag(call: &Call<'_>, req: AddTagRequest) -> Result<AddTagResponse, ApiError> {
    call.svc.with_store(|store| {
        // Work on copies so a refused request changes nothing. An account named twice in
        // the request gets one copy (found through `index`, so a request of n accounts
        // costs n lookups, not n² comparisons).
        let mut updated: Vec<(&str, Vec<String>)> = Vec::with_capacity(req.user_tags.len());
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(req.user_tags.len());
        for item in &req.user_tags {
            let account = item.to_account.as_str();
            let i = *index.entry(account).or_insert_with(|| {
                let current = store
                    .accounts
                    .get(account)
                    .map(|a| a.tags.clone())
                    .unwrap_or_default();
                updated.push((account, current));
                updated.len() - 1
            });
            let tags = &mut updated[i].1;
            for t in &item.tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            if tags.len() > MAX_TAGS_PER_USER {
                return Err(ApiError::new(
                    ErrorCode::TooManyTags,
                    format!(
                        "{} would hold {} tags, at most {MAX_TAGS_PER_USER} are allowed: delete old tags first",
                        item.to_account,
                        tags.len()
                    ),
                ));
            }
        }
        for (account, tags) in updated {
            match store.accounts.get_mut(account) {
                Some(a) => a.tags = tags,
                None => store.account_mut(account).tags = tags,
            }
        }
        Ok(AddTagResponse::default())
    })
}

pub(super) fn remove_tag(
    call: &Call<'_>,
    req: RemoveTagRequest,
) -> Result<RemoveTagResponse, ApiError> {
    call.svc.with_store(|store| {
        for item in &req.user_tags {
            if let Some(a) = store.accounts.get_mut(&item.to_account) {
                a.tags.retain(|t| !item.tags.contains(t));
            }
        }
    });
    Ok(RemoveTagResponse::default())
}

pub(super) fn remove_all_tags(
    call: &Call<'_>,
    req: RemoveAllTagsRequest,
) -> Result<RemoveAllTagsResponse, ApiError> {
    call.svc.with_store(|store| {
        for account in &req.to_account {
            if let Some(a) = store.accounts.get_mut(account) {
                a.tags.clear();
            }
        }
    });
    Ok(RemoveAllTagsResponse::default())
}
