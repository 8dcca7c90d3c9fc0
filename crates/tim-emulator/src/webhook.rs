//! Callbacks (webhooks) the emulator sends to the app's server, as the service does: a POST
//! of the command's JSON payload to the configured URL with `SdkAppid`, `CallbackCommand`,
//! `contenttype=json`, `ClientIP`, `OptPlatform=RESTAPI` and, with a token, `Sign` and
//! `RequestTime` appended to its query string (the callback overview page). Configured with
//! [`Config::callbacks`](crate::Config::callbacks) and a [`CallbackConfig`].
//!
//! What the emulator does with the answer, per the pages:
//!
//! - A *before* callback decides: `ErrorCode` 0 lets the event go ahead, modified when the
//!   answer carries changed fields (a message body); a verdict with a documented sender
//!   error refuses it with that code (20006 for a one-to-one message, 10016 for a group
//!   message); an app-chosen code in the command's range refuses it with that code and the
//!   answer's `ErrorInfo`; `discard` drops a message silently (the sender is told it was
//!   sent).
//! - An *after* callback's answer is ignored.
//! - No answer within the command's timeout (the spec's, 2 s, unless
//!   [`CallbackConfig::timeout`] sets one), a refused connection, an HTTP status other than
//!   200 or a body that is not the answer's JSON: the event goes ahead (the documented
//!   default policy for a before callback that times out), and nothing is retried (the
//!   documented default for both kinds).
//!
//! Choices where the pages are silent:
//!
//! - Callbacks are sent synchronously, inside the REST call that causes them, so when the
//!   call returns its callbacks have arrived (tests need no waiting). After callbacks follow
//!   the change; they are sent without holding the app's state, so a receiver may call the
//!   emulator back.
//! - A non-zero `ErrorCode` that is neither a documented verdict nor in the custom range is
//!   taken as the command's refusing verdict.
//! - `ClientIP` is `127.0.0.1` (the calls are REST calls from the app's own server).
//! - Only `http://` URLs: the emulator speaks plain HTTP/1.1 (enough for a receiver on the
//!   developer's machine; put a TLS-terminating proxy in front for anything else).
//!
//! What is sent, and from where ([`FIRED_CALLBACKS`] lists the pairs):
//!
//! - One-to-one messages: `C2C.CallbackBeforeSendMsg` / `AfterSendMsg` (sendmsg),
//!   `AfterModifyMsg` (modify_c2c_msg), `AfterMsgReport` (admin_set_msg_read),
//!   `AfterMsgWithDraw` (admin_msgwithdraw), `AfterMsgReadReceipt` (c2c_msg_read_receipt:
//!   every receipt of the call, without `MsgId`, which the request does not carry).
//! - Profiles, friends, follows: `Profile.CallbackPortraitSet`, `Sns.CallbackFriendAdd`,
//!   `FriendDelete` (friend_delete, black_list_add), `BlackListAdd`, `BlackListDelete`,
//!   `Follow.CallbackAfterFollowAdd`, `AfterFollowDelete`.
//! - Groups: `Group.CallbackBeforeCreateGroup` / `AfterCreateGroup`,
//!   `AfterGroupInfoChanged`, `AfterChangeGroupOwner`, `BeforeInviteJoinGroup` /
//!   `AfterNewMemberJoin` / `AfterGroupFull` (add_group_member), `AfterMemberExit`,
//!   `BeforeSendMsg` / `AfterSendMsg`, `AfterRecallMsg`, `AfterGroupDestroyed`;
//!   `AfterGroupAttrChanged` (set, modify, delete and clear_group_attr, with `OptionType`
//!   `set`, `modify`, `delete`, `clear`: the items given, the deleted ones with their former
//!   values, no `GroupAttr` after a clear); `AfterMemberFieldChanged`
//!   (modify_group_member_info, only when it changes `Role` or `NameCard`, the two fields
//!   of the payload); `AfterGroupMsgExtension` (group_set_key_values: the pairs set or
//!   deleted, a deleted one with an empty `Value`, none after a clear).
//! - One-to-one message extensions: `C2C.CallbackAfterC2CMsgExtension` (set_key_values,
//!   after a write that changed something: the pairs set or deleted, a deleted one with an
//!   empty `Value`, none after a clear; `From_Account`/`To_Account` are the message's
//!   sender and recipient).
//! - Topics: `Group.CallbackBeforeCreateTopic` / `AfterCreateTopic` (create_topic: the
//!   operator, the community and a custom topic ID are checked before the app is asked; a
//!   refusal answers 10016 and creates nothing; the operator is `From_Account`, else the
//!   admin; no `UserDefinedDataList`, topics have no custom fields in the emulator),
//!   `AfterTopicInfoChanged` (modify_topic, only when the name, introduction, notification
//!   or face URL is given, with those only), `AfterTopicDestroyed` (destroy_topic: the
//!   topics actually deleted; none, no callback).
//! - Official accounts: `OfficialAccount.CallbackBeforeCreateOfficialAccount` /
//!   `AfterCreateOfficialAccount`, `AfterOfficialAccountInfoChanged`,
//!   `AfterOfficialAccountDestroyed`, `BeforeAddSubscriber` / `AfterAddSubscriber` /
//!   `AfterOfficialAccountFull`, `AfterDeleteSubscriber`, `BeforeSendMsg` / `AfterSendMsg`,
//!   `AfterMsgWithDraw`.
//!
//! REST calls name no operator unless their request does: the operator of a callback is
//! then the app admin. `EventTime` is the call's time in milliseconds wherever the payload
//! has one. Not sent: `Bot.OnC2CMessage`,
//! `Group.CallbackAfterReadReceipt`, `Group.CallbackOnDailyGroupQuotaAlarm`,
//! `Group.CallbackSendMsgException` and `Push.AllMemberPush` (not emulated yet); and
//! every command whose triggers are client SDK calls or endpoints the emulator keeps no
//! state for.
//!
//! Every callback sent is recorded ([`crate::Emulator::callbacks_sent`]).

use std::collections::BTreeSet;
use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tim_model::ErrorCode;
use tim_model::callback::{Answer, Payload};
use tim_webhook::Token;

use crate::call::Call;
use crate::reply::ApiError;

/// The callbacks the emulator sends, each with the endpoint that sends it
/// (`service/command`): the pairs of the spec's `triggers.rest` that the stateful families
/// emulate. A command the service sends from an endpoint not listed here (or from a client
/// SDK) is not sent by the emulator.
pub const FIRED_CALLBACKS: &[(&str, &str)] = &[
    ("C2C.CallbackBeforeSendMsg", "openim/sendmsg"),
    ("C2C.CallbackAfterSendMsg", "openim/sendmsg"),
    ("C2C.CallbackAfterModifyMsg", "openim/modify_c2c_msg"),
    ("C2C.CallbackAfterMsgReport", "openim/admin_set_msg_read"),
    ("C2C.CallbackAfterMsgWithDraw", "openim/admin_msgwithdraw"),
    (
        "C2C.CallbackAfterMsgReadReceipt",
        "openim/c2c_msg_read_receipt",
    ),
    ("Profile.CallbackPortraitSet", "profile/portrait_set"),
    ("Sns.CallbackFriendAdd", "sns/friend_add"),
    ("Sns.CallbackFriendDelete", "sns/friend_delete"),
    ("Sns.CallbackFriendDelete", "sns/black_list_add"),
    ("Sns.CallbackBlackListAdd", "sns/black_list_add"),
    ("Sns.CallbackBlackListDelete", "sns/black_list_delete"),
    ("Follow.CallbackAfterFollowAdd", "follow/follow_add"),
    ("Follow.CallbackAfterFollowDelete", "follow/follow_delete"),
    (
        "Group.CallbackBeforeCreateGroup",
        "group_open_http_svc/create_group",
    ),
    (
        "Group.CallbackAfterCreateGroup",
        "group_open_http_svc/create_group",
    ),
    (
        "Group.CallbackAfterGroupInfoChanged",
        "group_open_http_svc/modify_group_base_info",
    ),
    (
        "Group.CallbackAfterChangeGroupOwner",
        "group_open_http_svc/change_group_owner",
    ),
    (
        "Group.CallbackBeforeInviteJoinGroup",
        "group_open_http_svc/add_group_member",
    ),
    (
        "Group.CallbackAfterNewMemberJoin",
        "group_open_http_svc/add_group_member",
    ),
    (
        "Group.CallbackAfterGroupFull",
        "group_open_http_svc/add_group_member",
    ),
    (
        "Group.CallbackAfterMemberExit",
        "group_open_http_svc/delete_group_member",
    ),
    (
        "Group.CallbackBeforeSendMsg",
        "group_open_http_svc/send_group_msg",
    ),
    (
        "Group.CallbackAfterSendMsg",
        "group_open_http_svc/send_group_msg",
    ),
    (
        "Group.CallbackAfterRecallMsg",
        "group_open_http_svc/group_msg_recall",
    ),
    (
        "Group.CallbackAfterGroupDestroyed",
        "group_open_http_svc/destroy_group",
    ),
    (
        "Group.CallbackBeforeCreateTopic",
        "million_group_open_http_svc/create_topic",
    ),
    (
        "Group.CallbackAfterCreateTopic",
        "million_group_open_http_svc/create_topic",
    ),
    (
        "Group.CallbackAfterTopicDestroyed",
        "million_group_open_http_svc/destroy_topic",
    ),
    (
        "Group.CallbackAfterTopicInfoChanged",
        "million_group_open_http_svc/modify_topic",
    ),
    (
        "Group.CallbackAfterGroupAttrChanged",
        "group_open_http_svc/set_group_attr",
    ),
    (
        "Group.CallbackAfterGroupAttrChanged",
        "group_open_http_svc/modify_group_attr",
    ),
    (
        "Group.CallbackAfterGroupAttrChanged",
        "group_open_http_svc/delete_group_attr",
    ),
    (
        "Group.CallbackAfterGroupAttrChanged",
        "group_open_http_svc/clear_group_attr",
    ),
    (
        "Group.CallbackAfterMemberFieldChanged",
        "group_open_http_svc/modify_group_member_info",
    ),
    (
        "Group.CallbackAfterGroupMsgExtension",
        "openim_msg_ext_http_svc/group_set_key_values",
    ),
    (
        "C2C.CallbackAfterC2CMsgExtension",
        "openim_msg_ext_http_svc/set_key_values",
    ),
    (
        "OfficialAccount.CallbackBeforeCreateOfficialAccount",
        "official_account_open_http_svc/create_official_account",
    ),
    (
        "OfficialAccount.CallbackAfterCreateOfficialAccount",
        "official_account_open_http_svc/create_official_account",
    ),
    (
        "OfficialAccount.CallbackAfterOfficialAccountInfoChanged",
        "official_account_open_http_svc/modify_official_account_base_info",
    ),
    (
        "OfficialAccount.CallbackAfterOfficialAccountDestroyed",
        "official_account_open_http_svc/destroy_official_account",
    ),
    (
        "OfficialAccount.CallbackBeforeAddSubscriber",
        "official_account_open_http_svc/add_subscriber",
    ),
    (
        "OfficialAccount.CallbackAfterAddSubscriber",
        "official_account_open_http_svc/add_subscriber",
    ),
    (
        "OfficialAccount.CallbackAfterOfficialAccountFull",
        "official_account_open_http_svc/add_subscriber",
    ),
    (
        "OfficialAccount.CallbackAfterDeleteSubscriber",
        "official_account_open_http_svc/delete_subscriber",
    ),
    (
        "OfficialAccount.CallbackBeforeSendMsg",
        "official_account_open_http_svc/send_official_account_msg",
    ),
    (
        "OfficialAccount.CallbackAfterSendMsg",
        "official_account_open_http_svc/send_official_account_msg",
    ),
    (
        "OfficialAccount.CallbackAfterMsgWithDraw",
        "official_account_open_http_svc/official_account_msg_recall",
    ),
];

/// Where and how the emulator sends callbacks.
#[derive(Clone)]
pub struct CallbackConfig {
    host: String,
    port: u16,
    /// Path and query of the configured URL (`/hook?x=1`).
    target: String,
    token: Option<Token>,
    timeout: Option<Duration>,
    only: Option<BTreeSet<String>>,
}

impl fmt::Debug for CallbackConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("target", &self.target)
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("only", &self.only)
            .finish()
    }
}

/// Why a callback URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback URL {url:?}: {reason}")]
pub struct CallbackUrlError {
    url: String,
    reason: &'static str,
}

impl CallbackConfig {
    /// Callbacks to `url` (`http://host[:port][/path][?query]`), every command enabled, no
    /// token (unsigned), the spec's timeouts.
    ///
    /// # Errors
    ///
    /// The URL is not `http://` with a host.
    pub fn new(url: &str) -> Result<CallbackConfig, CallbackUrlError> {
        let err = |reason| CallbackUrlError {
            url: url.to_owned(),
            reason,
        };
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| err("only http:// URLs are supported by the emulator"))?;
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let target = if target.starts_with('?') {
            format!("/{target}")
        } else {
            target.to_owned()
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| err("unclosed `[`"))?;
            match after.strip_prefix(':') {
                Some(p) => (
                    host,
                    p.parse().map_err(|_| err("the port is not a number"))?,
                ),
                None if after.is_empty() => (host, 80),
                None => return Err(err("junk after the IPv6 address")),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, p.parse().map_err(|_| err("the port is not a number"))?),
                None => (authority, 80),
            }
        };
        if host.is_empty() {
            return Err(err("no host"));
        }
        Ok(CallbackConfig {
            host: host.to_owned(),
            port,
            target,
            token: None,
            timeout: None,
            only: None,
        })
    }

    /// Signs every callback with `token` (the console's callback authentication).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::new(token));
        self
    }

    /// Waits at most `timeout` for each answer, instead of each command's documented one.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends only these commands (`C2C.CallbackBeforeSendMsg`...), as when only their
    /// switches are on in the console. Default: every command.
    #[must_use]
    pub fn only<I, S>(mut self, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(commands.into_iter().map(Into::into).collect());
        self
    }

    fn enabled(&self, command: &str) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(command))
    }
}

/// One callback the emulator sent, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentCallback {
    /// The command.
    pub command: String,
    /// The answer's `ErrorCode`, when a valid answer came back in time.
    pub answered: Option<i64>,
    /// Why no valid answer came back (timeout, connection refused, status, body).
    pub failure: Option<String>,
}

/// The callbacks of one emulated app: the configuration and the record of what was sent.
#[derive(Debug, Default)]
pub(crate) struct Webhooks {
    config: Option<CallbackConfig>,
    sent: Mutex<Vec<SentCallback>>,
}

/// What a before callback decided.
pub(crate) enum Before<A> {
    /// Go ahead; with the answer when one came (it may carry modified fields).
    Proceed(Option<A>),
    /// Drop the event silently (the caller is told it succeeded).
    Discard,
    /// Refused: with the error the caller gets when the page (or the custom code) gives one.
    Refuse(Option<ApiError>),
}

impl<A> Before<A> {
    /// For events that cannot be dropped silently: the answer to go ahead with, or the
    /// caller's error (a refusal without a documented sender error gets `fallback`).
    pub(crate) fn or_refuse(self, command: &str, fallback: i64) -> Result<Option<A>, ApiError> {
        match self {
            Before::Proceed(answer) => Ok(answer),
            Before::Refuse(Some(error)) => Err(error),
            Before::Refuse(None) | Before::Discard => Err(ApiError::new(
                ErrorCode::from_code(fallback),
                format!("refused by the app's callback {command}"),
            )),
        }
    }
}

impl Webhooks {
    pub(crate) fn new(config: Option<CallbackConfig>) -> Webhooks {
        Webhooks {
            config,
            sent: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn sent(&self) -> Vec<SentCallback> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Sends `payload` when callbacks are configured and its command enabled; `None` when
    /// not sent, else the decoded answer or why there is none.
    fn send<P: Payload>(&self, call: &Call<'_>, payload: &P) -> Option<Result<P::Answer, String>> {
        let config = self.config.as_ref()?;
        let info = P::INFO;
        if !config.enabled(info.command) {
            return None;
        }
        let timeout = config
            .timeout
            .unwrap_or(Duration::from_millis(info.timeout_ms));
        let mut query = format!(
            "SdkAppid={}&CallbackCommand={}&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI",
            call.svc.sdkappid, info.command
        );
        if let Some(token) = &config.token {
            let time = call.now_ms / 1000;
            query.push_str(&format!(
                "&Sign={}&RequestTime={time}",
                tim_webhook::sign(token.expose(), time)
            ));
        }
        let result = serde_json::to_vec(payload)
            .map_err(|e| format!("payload does not encode: {e}"))
            .and_then(|body| post(config, &query, &body, timeout))
            .and_then(|answer| {
                serde_json::from_slice::<P::Answer>(&answer)
                    .map_err(|e| format!("the answer is not the documented JSON: {e}"))
            });
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(SentCallback {
                command: info.command.to_owned(),
                answered: result.as_ref().ok().map(Answer::error_code),
                failure: result.as_ref().err().cloned(),
            });
        }
        if let Err(why) = &result {
            log::warn!("callback {}: {why}", info.command);
        }
        Some(result)
    }
}

impl Call<'_> {
    /// Sends a before callback and reads its verdict (see the module docs).
    pub(crate) fn before<P: Payload>(&self, payload: &P) -> Before<P::Answer> {
        let info = P::INFO;
        let Some(result) = self.svc.webhooks.send(self, payload) else {
            return Before::Proceed(None);
        };
        let Ok(answer) = result else {
            return Before::Proceed(None);
        };
        let code = answer.error_code();
        if code == 0 {
            return Before::Proceed(Some(answer));
        }
        let refused = |info_text: String, sender: Option<i64>| {
            Before::Refuse(sender.map(|c| ApiError::new(ErrorCode::from_code(c), info_text)))
        };
        if info.is_custom_code(code) {
            return refused(answer.error_info().to_owned(), Some(code));
        }
        let verdict = info.verdict(code).or_else(|| {
            info.verdicts
                .iter()
                .find(|v| v.name == "refuse")
                .or_else(|| info.verdicts.iter().find(|v| v.code != 0))
        });
        match verdict {
            Some(v) if v.name == "discard" => Before::Discard,
            Some(v) => refused(
                format!(
                    "refused by the app's callback {} (ErrorCode {code})",
                    info.command
                ),
                v.sender_error,
            ),
            None => Before::Proceed(Some(answer)),
        }
    }

    /// Sends an after callback (its answer is ignored).
    pub(crate) fn after<P: Payload>(&self, payload: &P) {
        let _ = self.svc.webhooks.send(self, payload);
    }
}

/// POSTs `body` and returns the answer's body, within `timeout` overall.
fn post(
    config: &CallbackConfig,
    query: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + timeout;
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("no answer within {} ms", timeout.as_millis()))
    };
    let addrs: Vec<_> = (config.host.as_str(), config.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", config.host))?
        .collect();
    let mut stream = None;
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, left()?) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("cannot connect to {addr}: {e}"),
        }
    }
    let mut stream = stream.ok_or(last)?;
    let sep = if config.target.contains('?') {
        '&'
    } else {
        '?'
    };
    let head = format!(
        "POST {}{sep}{query} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        config.target,
        config.host,
        config.port,
        body.len()
    );
    let io = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            format!("no answer within {} ms", timeout.as_millis())
        } else {
            format!("connection failed: {e}")
        }
    };
    stream.set_write_timeout(Some(left()?)).map_err(io)?;
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(body).map_err(io)?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        stream.set_read_timeout(Some(left()?)).map_err(io)?;
        let n = stream.read(&mut chunk).map_err(io)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > crate::http::MAX_BODY {
            return Err("the answer is too large".into());
        }
        if let Some(done) = complete(&buf, false)? {
            return Ok(done);
        }
    }
    complete(&buf, true)?.ok_or_else(|| "the connection closed before a whole answer".into())
}

/// The body of a whole 200 answer in `buf` (`eof`: nothing more will come); `None` while
/// incomplete.
fn complete(buf: &[u8], eof: bool) -> Result<Option<Vec<u8>>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut resp = httparse::Response::new(&mut headers);
    let head_len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("the answer is not HTTP: {e}")),
    };
    if resp.code != Some(200) {
        return Err(format!(
            "HTTP status {} (the service wants 200)",
            resp.code.unwrap_or(0)
        ));
    }
    let length = resp
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| {
            std::str::from_utf8(h.value)
                .ok()?
                .trim()
                .parse::<usize>()
                .ok()
        });
    let body = &buf[head_len..];
    match length {
        Some(n) if body.len() >= n => Ok(Some(body[..n].to_vec())),
        Some(_) => Ok(None),
        // No length: the body runs to the end of the connection.
        None => Ok(eof.then(|| body.to_vec())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let c = CallbackConfig::new("http://127.0.0.1:8080/hook?x=1").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.target.as_str()),
            ("127.0.0.1", 8080, "/hook?x=1")
        );
        let c = CallbackConfig::new("http://example.com").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.target.as_str()),
            ("example.com", 80, "/")
        );
        let c = CallbackConfig::new("http://[::1]:9/").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("::1", 9));
        assert!(CallbackConfig::new("https://example.com").is_err());
        assert!(CallbackConfig::new("http://:80/").is_err());
        assert!(CallbackConfig::new("http://h:x/").is_err());
    }

    #[test]
    fn the_token_is_not_printed() {
        let c = CallbackConfig::new("http://h/")
            .unwrap()
            .token("s3cret-token");
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
