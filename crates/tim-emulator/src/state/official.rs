//! Official accounts (`official_account_open_http_svc`): their profiles, subscribers and
//! broadcast messages.

use std::collections::BTreeMap;

use tim_model::common::MsgElement;

/// One subscription of a user to an official account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Subscription {
    /// When the user subscribed (UNIX s).
    pub subscribe_time: u64,
    /// The subscriber-level custom field (modify_subscriber_info).
    pub custom_string: Option<String>,
}

/// One message of an official account.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OfficialMsg {
    /// Its `MsgSeq`, from 1 in the account.
    pub seq: u64,
    /// `Seq_1_ServerTime`.
    pub key: String,
    /// When it was sent (UNIX s).
    pub time: u64,
    /// When it was stored (ms, emulator clock), for the five-minute repeat window.
    pub stored_ms: u64,
    /// `Random` of the request.
    pub random: u32,
    /// The body as stored (after a before-send callback's changes).
    pub body: Vec<MsgElement>,
    /// The body as the request gave it (what a repeat is compared with).
    pub sent_body: Vec<MsgElement>,
    /// `CloudCustomData`.
    pub cloud_custom_data: Option<String>,
    /// Recalled by official_account_msg_recall.
    pub recalled: bool,
}

/// One official account.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OfficialAccount {
    /// Its ID (`@TOA#_...`).
    pub id: String,
    /// `Owner_Account`.
    pub owner: String,
    /// `Name`.
    pub name: String,
    /// `Introduction`.
    pub introduction: Option<String>,
    /// `FaceUrl`.
    pub face_url: Option<String>,
    /// `Organization`.
    pub organization: Option<String>,
    /// `CustomString`.
    pub custom_string: Option<String>,
    /// `MaxSubscriberNum`.
    pub max_subscribers: u32,
    /// When it was created (UNIX s).
    pub create_time: u64,
    /// When it last sent a message (UNIX s; 0: never).
    pub last_msg_time: u64,
    /// Subscribers by UserID.
    pub subscribers: BTreeMap<String, Subscription>,
    /// Its messages, oldest first.
    pub messages: Vec<OfficialMsg>,
}

/// Every official account of the app.
#[derive(Debug, Default)]
pub(crate) struct OfficialStore {
    /// Official accounts by ID (destroyed ones are gone).
    pub accounts: BTreeMap<String, OfficialAccount>,
    /// How many IDs were generated (the next generated ID's number).
    pub generated: u64,
}
