//! End to end, through the typed client against the emulator over loopback HTTP: a backend
//! creates a team group with a custom ID, adds and profiles members, talks in it, mutes a
//! member until the mute ends by itself, reads the history page by page, recalls a message,
//! hands the group over, and disbands it; an audio-video group refuses members. What a
//! program does here works unchanged against the service.

mod common;

use std::time::Duration;

use tim_client::ErrorCode;
use tim_client::account::MultiAccountImportRequest;
use tim_client::common::{MsgElement, TextElem};
use tim_client::group::{
    AddGroupMemberItem, AddGroupMemberRequest, AppDefinedDataItem, ChangeGroupOwnerRequest,
    CreateGroupMemberItem, CreateGroupRequest, DestroyGroupRequest, ForbidSendMsgRequest,
    GetGroupInfoRequest, GetGroupMsgRequest, GetGroupMutedAccountRequest,
    GetJoinedGroupListRequest, GetRoleInGroupRequest, GroupMsgItem, ModifyGroupMemberInfoRequest,
    MsgSeqItem, RecallGroupMsgRequest, SendGroupMsgRequest,
};

fn text(s: &str) -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new(s))]
}

fn texts(list: &[GroupMsgItem]) -> Vec<String> {
    list.iter()
        .map(|m| match m.msg_body.as_deref() {
            Some([MsgElement::Text(t)]) => t.text.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn clock_secs(clock: &tim_emulator::ManualClock) -> u64 {
    use tim_emulator::Clock;
    clock.now_ms() / 1000
}

#[test]
fn a_team_group_end_to_end() {
    let (emu, clock) = common::emulator_frozen(|c| c);
    let client = common::builder(&emu).build().unwrap();
    let group = client.group();
    client
        .account()
        .multi_account_import(
            MultiAccountImportRequest::new().accounts(["ann", "bob", "carl", "dave"]),
        )
        .unwrap();

    // A public group with a custom ID, an owner, an admin, a member and a custom field.
    let created = group
        .create_group(
            CreateGroupRequest::new("Public", "Team")
                .group_id("team")
                .owner_account("ann")
                .member_list(vec![
                    CreateGroupMemberItem::new("bob").role("Admin"),
                    CreateGroupMemberItem::new("carl"),
                ])
                .app_defined_data(vec![AppDefinedDataItem::new("Level", "1")]),
        )
        .unwrap();
    assert_eq!(created.group_id.as_deref(), Some("team"));
    let taken = group
        .create_group(
            CreateGroupRequest::new("Public", "Again")
                .group_id("team")
                .owner_account("ann"),
        )
        .unwrap_err();
    assert_eq!(taken.code(), Some(ErrorCode::GroupIdUsedByOperator));

    // Members: per-member results.
    let added = group
        .add_group_member(AddGroupMemberRequest::new(
            "team",
            vec![
                AddGroupMemberItem::new("dave"),
                AddGroupMemberItem::new("carl"),
            ],
        ))
        .unwrap();
    let results: Vec<(String, u8)> = added
        .member_list
        .unwrap()
        .into_iter()
        .map(|r| (r.member_account, r.result))
        .collect();
    assert_eq!(
        results,
        [("dave".to_owned(), 1), ("carl".to_owned(), 2)],
        "1 added, 2 already a member"
    );
    group
        .modify_group_member_info(ModifyGroupMemberInfoRequest::new("team", "carl").name_card("C"))
        .unwrap();
    let info = group
        .get_group_info(GetGroupInfoRequest::new(["team"]))
        .unwrap()
        .group_info
        .unwrap()
        .remove(0);
    assert_eq!(info.error_code, Some(0));
    assert_eq!(info.member_num, Some(4));
    assert_eq!(info.owner_account.as_deref(), Some("ann"));
    let members = info.member_list.unwrap();
    assert_eq!(members[2].name_card.as_deref(), Some("C"));
    assert_eq!(members[1].role.as_deref(), Some("Admin"));

    // Messages: MsgSeq 1, 2, 3.
    for (i, (from, body)) in [("ann", "hello"), ("bob", "hi"), ("carl", "hey")]
        .into_iter()
        .enumerate()
    {
        let sent = group
            .send_group_msg(SendGroupMsgRequest::new("team", text(body)).from_account(from))
            .unwrap();
        assert_eq!(sent.msg_seq, Some(i as u64 + 1));
        clock.advance(Duration::from_secs(1));
    }

    // A mute ends by itself on the emulator's clock.
    group
        .forbid_send_msg(ForbidSendMsgRequest::new("team", ["carl"], 60))
        .unwrap();
    let muted = group
        .get_group_muted_account(GetGroupMutedAccountRequest::new("team"))
        .unwrap()
        .muted_account_list
        .unwrap();
    assert_eq!(muted[0].member_account, "carl");
    assert_eq!(muted[0].muted_until, clock_secs(&clock) + 60);
    let refused = group
        .send_group_msg(SendGroupMsgRequest::new("team", text("let me talk")).from_account("carl"))
        .unwrap_err();
    assert_eq!(refused.code(), Some(ErrorCode::SenderMuted));
    clock.advance(Duration::from_secs(60));
    let sent = group
        .send_group_msg(SendGroupMsgRequest::new("team", text("back")).from_account("carl"))
        .unwrap();
    assert_eq!(sent.msg_seq, Some(4));

    // Recall the second message, then read the history two at a time, newest first.
    let recalled = group
        .recall_group_msg(RecallGroupMsgRequest::new("team", vec![MsgSeqItem::new(2)]))
        .unwrap();
    assert_eq!(recalled.recall_ret_list.unwrap()[0].ret_code, 0);
    let mut all = Vec::new();
    let mut next = None;
    loop {
        let mut req = GetGroupMsgRequest::new("team", 2);
        req.req_msg_seq = next;
        let page = group.get_group_msg(req).unwrap().rsp_msg_list.unwrap();
        let Some(oldest) = page.last().map(|m| m.msg_seq) else {
            break;
        };
        all.extend(page);
        if oldest <= 1 {
            break;
        }
        next = Some(oldest - 1);
    }
    assert_eq!(texts(&all), ["back", "hey", "hello"]);

    // Hand the group over to bob.
    group
        .change_group_owner(ChangeGroupOwnerRequest::new("team", "bob"))
        .unwrap();
    let roles = group
        .get_role_in_group(GetRoleInGroupRequest::new("team", ["ann", "bob", "eve"]))
        .unwrap()
        .user_id_list
        .unwrap();
    let roles: Vec<&str> = roles.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(roles, ["Member", "Owner", "NotMember"]);
    let joined = group
        .get_joined_group_list(GetJoinedGroupListRequest::new("dave"))
        .unwrap();
    assert_eq!(joined.total_count, Some(1));
    assert_eq!(joined.group_id_list.unwrap()[0].group_id, "team");

    // An audio-video group takes no members through the REST API.
    let live = group
        .create_group(CreateGroupRequest::new("AVChatRoom", "Live"))
        .unwrap()
        .group_id
        .unwrap();
    assert!(live.starts_with("@TGS#"), "{live}");
    let no = group
        .add_group_member(AddGroupMemberRequest::new(
            live.as_str(),
            vec![AddGroupMemberItem::new("dave")],
        ))
        .unwrap_err();
    assert_eq!(no.code(), Some(ErrorCode::GroupPermissionDenied));
    assert_eq!(emu.state().group_ids(), ["team".to_owned(), live]);

    // Disband: the group is gone.
    group
        .destroy_group(DestroyGroupRequest::new("team"))
        .unwrap();
    let gone = group
        .get_group_info(GetGroupInfoRequest::new(["team"]))
        .unwrap()
        .group_info
        .unwrap();
    assert_eq!(gone[0].error_code, Some(10010));
    let err = group
        .send_group_msg(SendGroupMsgRequest::new("team", text("anyone?")))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::GroupNotFound));
}
