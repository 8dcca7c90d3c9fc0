//! Bans of audio-video group members: ban_group_member, unban_group_member,
//! get_group_ban_member. The rules and choices are in the module docs of [`super`].

use tim_model::ErrorCode;
use tim_model::group::{
    BanGroupMemberRequest, BanGroupMemberResponse, BannedAccount, GetGroupBanMemberRequest,
    GetGroupBanMemberResponse, UnbanGroupMemberRequest, UnbanGroupMemberResponse,
};

use super::{group, group_mut, live_only, secs};
use crate::call::Call;
use crate::reply::ApiError;

/// Largest page of get_group_ban_member (also its size when `Limit` is absent or 0).
const BAN_PAGE: usize = 100;

pub(crate) fn ban_group_member(
    call: &Call<'_>,
    req: BanGroupMemberRequest,
) -> Result<BanGroupMemberResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group(store, &req.group_id)?;
        live_only(g, "banning members")?;
        for account in &req.members_account {
            call.require_account(
                store,
                account,
                "Members_Account",
                ErrorCode::InvalidRequestParameter,
            )?;
        }
        // Every check passed.
        let end = call
            .now_ms
            .saturating_add(u64::from(req.duration).saturating_mul(1000));
        let g = group_mut(store, &req.group_id)?;
        for account in &req.members_account {
            if req.duration == 0 {
                g.bans.remove(account);
            } else {
                g.bans.insert(account.clone(), end);
                g.online.retain(|m| &m.account != account);
            }
        }
        Ok(BanGroupMemberResponse::default())
    })
}

pub(crate) fn unban_group_member(
    call: &Call<'_>,
    req: UnbanGroupMemberRequest,
) -> Result<UnbanGroupMemberResponse, ApiError> {
    call.svc.with_store(|store| {
        let g = group_mut(store, &req.group_id)?;
        live_only(g, "unbanning members")?;
        for account in &req.members_account {
            g.bans.remove(account);
        }
        Ok(UnbanGroupMemberResponse::default())
    })
}

pub(crate) fn get_group_ban_member(
    call: &Call<'_>,
    req: GetGroupBanMemberRequest,
) -> Result<GetGroupBanMemberResponse, ApiError> {
    let store = call.svc.state.lock();
    let g = group(&store, &req.group_id)?;
    live_only(g, "listing banned members")?;
    let banned: Vec<(&String, u64)> = g
        .bans
        .iter()
        .filter(|(_, until)| **until > call.now_ms)
        .map(|(a, until)| (a, *until))
        .collect();
    let limit = match req.limit {
        None | Some(0) => BAN_PAGE,
        Some(n) => usize::try_from(n).unwrap_or(BAN_PAGE).min(BAN_PAGE),
    };
    let start = usize::try_from(req.offset).unwrap_or(usize::MAX);
    let page: Vec<BannedAccount> = banned
        .iter()
        .skip(start)
        .take(limit)
        .map(|(a, until)| BannedAccount::new(a.as_str(), secs(*until)))
        .collect();
    let end = start.saturating_add(page.len());
    let mut resp = GetGroupBanMemberResponse::default();
    resp.next_offset = Some(if end < banned.len() {
        u32::try_from(end).unwrap_or(0)
    } else {
        0
    });
    resp.banned_account_list = Some(page);
    Ok(resp)
}
