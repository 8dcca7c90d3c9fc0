//! `tim send` and `tim history`: the one-to-one message jobs an operator runs.
//!
//! `send` delivers one text message to any number of accounts with `openim/batchsendmsg`
//! (500 recipients per call, its documented maximum) as a bulk job: an account the service
//! lists in `ErrorList` (70107: it does not exist) counts as failed. One `MsgRandom` is used
//! for every batch, printed so a rerun can reuse it. `history` reads a one-to-one
//! conversation with `openim/admin_getroammsg`, following `LastMsgKey` page by page until
//! the service says it is complete, and prints the messages oldest first.

use serde_json::{Value, json};
use tim_client::common::{MsgElement, TextElem};
use tim_client::openim::{BatchSendMsgRequest, GetRoamMsgRequest, RoamMsg};

use crate::batch::{self, BulkArgs};
use crate::config::ConnArgs;
use crate::error::{CliError, from_client, precheck};
use crate::output::{Output, OutputArgs, with_output};

/// `tim send` arguments.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The message text.
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// The account shown as sender (default: the admin); it must exist.
    #[arg(long = "from", value_name = "ACCOUNT")]
    from_account: Option<String>,
    /// Seconds to keep the message for offline recipients (0 to 604800; 0: online
    /// recipients only, no unread count).
    #[arg(long, value_name = "SECS")]
    lifetime: Option<u32>,
    /// Do not add the message to the sender's own history (SyncOtherMachine 2).
    #[arg(long)]
    no_sync_sender: bool,
    /// The message's MsgRandom. Default: a fresh random value, printed.
    #[arg(long, value_name = "N")]
    msg_random: Option<u32>,
    #[command(flatten)]
    bulk: BulkArgs,
}

/// Runs `tim send`; returns the output mode for error reporting.
pub fn send(args: SendArgs) -> (Output, Result<(), CliError>) {
    let output = args.bulk.output;
    with_output(output, |out| send_job(out, &args))
}

fn send_job(out: &Output, a: &SendArgs) -> Result<(), CliError> {
    let mut template = BatchSendMsgRequest::new(
        Vec::<String>::new(),
        vec![MsgElement::Text(TextElem::new(a.text.clone()))],
    );
    if let Some(r) = a.msg_random {
        template.msg_random = r;
    }
    template.from_account = a.from_account.clone();
    template.msg_life_time = a.lifetime;
    if a.no_sync_sender {
        template.sync_other_machine = Some(2);
    }
    // The message checked as one request to one account: bad input is a usage error.
    precheck("--text/--from/--lifetime", &template.clone().with_one("a"))?;
    let msg_random = template.msg_random;
    let (summary, _) = batch::run_job(out, &a.bulk, "send", |bulk, accounts| {
        bulk.openim()
            .batch_send_msg(template.clone(), accounts.iter().cloned())
    })?;
    summary.print(out, json!({ "msg_random": msg_random }), || {
        format!(
            "sent to {} accounts (MsgRandom {msg_random})\n",
            summary.succeeded()
        )
    })
}

/// A copy of a batch request addressed to one account (for checking its other fields).
trait WithOne {
    fn with_one(self, account: &str) -> Self;
}

impl WithOne for BatchSendMsgRequest {
    fn with_one(mut self, account: &str) -> Self {
        self.to_account = vec![account.to_owned()];
        self
    }
}

/// `tim history` arguments.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The account whose view of the conversation is read.
    #[arg(value_name = "ACCOUNT")]
    account: String,
    /// The other party of the conversation.
    #[arg(value_name = "PEER")]
    peer: String,
    /// Oldest message time, UNIX seconds (default: 7 days ago, the default roaming period).
    #[arg(long, value_name = "UNIX_SECS")]
    since: Option<u64>,
    /// Newest message time, UNIX seconds (default: now).
    #[arg(long, value_name = "UNIX_SECS")]
    until: Option<u64>,
    /// Messages per call (the service may return fewer: at most about 13 KB per answer).
    #[arg(long, value_name = "N", default_value_t = 100)]
    page: u32,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// Runs `tim history`; returns the output mode for error reporting.
pub fn history(args: HistoryArgs) -> (Output, Result<(), CliError>) {
    let out = Output::new(args.output);
    (out, read_history(&out, &args))
}

/// The most pages `history` reads (a guard against a server that never says complete).
const MAX_PAGES: usize = 10_000;

fn read_history(out: &Output, a: &HistoryArgs) -> Result<(), CliError> {
    if a.page == 0 {
        return Err(CliError::Usage(
            "--page: must be at least 1, got 0".to_owned(),
        ));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let until = a.until.unwrap_or(now);
    let since = a.since.unwrap_or(until.saturating_sub(7 * 24 * 3600));
    if since > until {
        return Err(CliError::Usage(format!(
            "--since {since} is after --until {until}"
        )));
    }
    let (client, ctx) = a.conn.client()?;
    let request = GetRoamMsgRequest::new(&*a.account, &*a.peer, a.page, since, until);
    let messages = conversation(&client, request, |_, _| {}).map_err(|e| from_client(&e, &ctx))?;
    let json_messages: Vec<Value> = messages.iter().map(message_json).collect();
    out.result(
        &json!({
            "ok": true,
            "account": a.account,
            "peer": a.peer,
            "count": messages.len(),
            "messages": json_messages,
        }),
        || {
            let mut s = String::new();
            for m in &messages {
                s.push_str(&line(m));
            }
            s.push_str(&format!(
                "{} messages between {} and {}\n",
                messages.len(),
                a.account,
                a.peer
            ));
            s
        },
    );
    Ok(())
}

/// Every message of the conversation `request` names, oldest first: pages from the newest
/// backwards, following `LastMsgTime`/`LastMsgKey` until the service says complete (or a page
/// is empty, or [`MAX_PAGES`] were read). `on_page` sees each page's size and whether it
/// was the last.
pub fn conversation(
    client: &tim_client::Client,
    mut request: GetRoamMsgRequest,
    mut on_page: impl FnMut(usize, bool),
) -> Result<Vec<RoamMsg>, tim_client::Error> {
    let mut pages: Vec<Vec<RoamMsg>> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = client.openim().get_roam_msg(request.clone())?;
        let complete = page.complete != Some(0);
        let list = page.msg_list.unwrap_or_default();
        let empty = list.is_empty();
        on_page(list.len(), complete);
        pages.push(list);
        match (complete, page.last_msg_time, page.last_msg_key) {
            (false, Some(time), Some(key)) if !empty => {
                request.max_time = time;
                request.last_msg_key = Some(key);
            }
            _ => break,
        }
    }
    // Pages go from the newest backwards; each page is oldest first.
    Ok(pages.into_iter().rev().flatten().collect())
}

fn message_json(m: &RoamMsg) -> Value {
    json!({
        "time": m.msg_time_stamp,
        "from": m.from_account,
        "to": m.to_account,
        "key": m.msg_key,
        "recalled": m.msg_flag_bits == Some(8),
        "text": text_of(m),
    })
}

/// The text of a message's text elements, or a placeholder per other element.
fn text_of(m: &RoamMsg) -> String {
    m.msg_body
        .iter()
        .flatten()
        .map(|e| match e {
            MsgElement::Text(t) => t.text.clone(),
            _ => "[non-text element]".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn line(m: &RoamMsg) -> String {
    let when = m.msg_time_stamp.map_or_else(|| "?".to_owned(), utc);
    let from = m.from_account.as_deref().unwrap_or("?");
    let to = m.to_account.as_deref().unwrap_or("?");
    let body = if m.msg_flag_bits == Some(8) {
        "(recalled)".to_owned()
    } else {
        tim_client::printable(&text_of(m))
    };
    format!(
        "{when} {} -> {}: {body}\n",
        tim_client::printable(from),
        tim_client::printable(to)
    )
}

/// `YYYY-MM-DD hh:mm:ss UTC` of a UNIX time.
fn utc(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_584_669_680), "2020-03-20 02:01:20 UTC");
        assert_eq!(utc(1_709_208_000), "2024-02-29 12:00:00 UTC");
    }
}
