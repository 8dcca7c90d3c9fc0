//! Hand-written behaviour, per family: what the spec cannot express. Every endpoint without
//! it is answered by its generated conformance default (`crate::generated`).
//!
//! The `v4/all_member_push/*` family ([`PushFamily`]) keeps tags, attributes and pushes in
//! the app's state: each method gets the request already decoded and checked against the
//! spec's limits, adds the checks the spec cannot express (registered attribute names, 100
//! tags per user, push pacing and quota), then reads or changes the state and answers the
//! generated response type. A failing call changes nothing: every check runs before the
//! first change.

mod account;
mod attrs;
mod push;
mod tags;

use tim_model::all_member_push::{
    AddTagRequest, AddTagResponse, GetAttrNameRequest, GetAttrNameResponse, GetAttrRequest,
    GetAttrResponse, GetTagRequest, GetTagResponse, PUSH, PushRequest, PushResponse,
    RemoveAllTagsRequest, RemoveAllTagsResponse, RemoveAttrRequest, RemoveAttrResponse,
    RemoveTagRequest, RemoveTagResponse, SetAttrNameRequest, SetAttrNameResponse, SetAttrRequest,
    SetAttrResponse,
};

use tim_model::account as acc;

use crate::call::Call;
use crate::generated::{Families, account as account_surface, all_member_push};
use crate::reply::ApiError;

/// Installs the hand-written families over the conformance defaults.
pub(crate) fn install(families: &mut Families) {
    families.all_member_push = Box::new(PushFamily);
    families.account = Box::new(AccountFamily);
}

/// `im_open_login_svc/*`: accounts exist once imported (see [`account`]).
pub(crate) struct AccountFamily;

impl account_surface::Behaviour for AccountFamily {
    fn account_import(
        &self,
        call: &Call<'_>,
        request: acc::AccountImportRequest,
    ) -> Result<acc::AccountImportResponse, ApiError> {
        account::account_import(call, request)
    }

    fn multi_account_import(
        &self,
        call: &Call<'_>,
        request: acc::MultiAccountImportRequest,
    ) -> Result<acc::MultiAccountImportResponse, ApiError> {
        account::multi_account_import(call, request)
    }

    fn account_delete(
        &self,
        call: &Call<'_>,
        request: acc::AccountDeleteRequest,
    ) -> Result<acc::AccountDeleteResponse, ApiError> {
        account::account_delete(call, request)
    }

    fn account_check(
        &self,
        call: &Call<'_>,
        request: acc::AccountCheckRequest,
    ) -> Result<acc::AccountCheckResponse, ApiError> {
        account::account_check(call, request)
    }

    fn kick(
        &self,
        call: &Call<'_>,
        request: acc::KickRequest,
    ) -> Result<acc::KickResponse, ApiError> {
        account::kick(call, request)
    }
}

/// `v4/all_member_push/*`: push to all users, user tags and user attributes.
pub(crate) struct PushFamily;

impl all_member_push::Behaviour for PushFamily {
    fn before_decode(&self, call: &Call<'_>, body: &[u8]) -> Result<(), ApiError> {
        if call.endpoint.path == PUSH.path {
            push::before_decode(call, body)
        } else {
            Ok(())
        }
    }

    fn get_attr_name(
        &self,
        call: &Call<'_>,
        request: GetAttrNameRequest,
    ) -> Result<GetAttrNameResponse, ApiError> {
        attrs::get_attr_name(call, request)
    }

    fn get_attr(
        &self,
        call: &Call<'_>,
        request: GetAttrRequest,
    ) -> Result<GetAttrResponse, ApiError> {
        attrs::get_attr(call, request)
    }

    fn get_tag(&self, call: &Call<'_>, request: GetTagRequest) -> Result<GetTagResponse, ApiError> {
        tags::get_tag(call, request)
    }

    fn push(&self, call: &Call<'_>, request: PushRequest) -> Result<PushResponse, ApiError> {
        push::push(call, request)
    }

    fn add_tag(&self, call: &Call<'_>, request: AddTagRequest) -> Result<AddTagResponse, ApiError> {
        tags::add_tag(call, request)
    }

    fn remove_all_tags(
        &self,
        call: &Call<'_>,
        request: RemoveAllTagsRequest,
    ) -> Result<RemoveAllTagsResponse, ApiError> {
        tags::remove_all_tags(call, request)
    }

    fn remove_attr(
        &self,
        call: &Call<'_>,
        request: RemoveAttrRequest,
    ) -> Result<RemoveAttrResponse, ApiError> {
        attrs::remove_attr(call, request)
    }

    fn remove_tag(
        &self,
        call: &Call<'_>,
        request: RemoveTagRequest,
    ) -> Result<RemoveTagResponse, ApiError> {
        tags::remove_tag(call, request)
    }

    fn set_attr(
        &self,
        call: &Call<'_>,
        request: SetAttrRequest,
    ) -> Result<SetAttrResponse, ApiError> {
        attrs::set_attr(call, request)
    }

    fn set_attr_name(
        &self,
        call: &Call<'_>,
        request: SetAttrNameRequest,
    ) -> Result<SetAttrNameResponse, ApiError> {
        attrs::set_attr_name(call, request)
    }
}
