//! Account-list commands over any number of accounts, on `tim_client::bulk`: batches of at
//! most 100 accounts sent by a few workers within the rate limits, a progress bar (only when
//! stderr is a terminal), and a summary of which accounts succeeded and which failed, with
//! why and what to do.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};
use tim_client::Client;
use tim_client::bulk::{Bulk, BulkConfigError, BulkReport, ItemError};

use crate::accounts::AccountArgs;
use crate::config::ConnArgs;
use crate::error::{CallContext, CliError, EXIT_FAILED, EXIT_TRANSPORT, from_client};
use crate::output::{Output, OutputArgs, Progress};

/// Worker threads of a bulk command (they share the client's rate limiter).
pub const WORKERS: usize = 4;

/// What every account-list command takes: the accounts, the output options and the
/// connection.
#[derive(Debug, clap::Args)]
pub struct BulkArgs {
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub conn: ConnArgs,
}

/// Runs one bulk job, named `what` in the progress bar and the summary, over the accounts
/// of `args`: loads them, connects, and hands `job` a [`runner`] and the accounts. Returns
/// the summary to print and the accounts (in input order).
pub fn run_job(
    out: &Output,
    args: &BulkArgs,
    what: &str,
    job: impl FnOnce(&Bulk<'_>, &[String]) -> Result<BulkReport, BulkConfigError>,
) -> Result<(Summary, Vec<String>), CliError> {
    let accounts = args.accounts.load()?;
    let (client, ctx) = args.conn.client()?;
    let progress = out.progress(accounts.len() as u64, what);
    let report = job(&runner(&client, &progress), &accounts).map_err(config_error)?;
    progress.finish();
    let summary = Summary::new(what, report, &accounts, &ctx);
    Ok((summary, accounts))
}

/// Runs a get job (`job` hands each account's result to the sink it is given) and prints
/// each result as it arrives (in the order the batches are answered, about the input
/// order), then the summary: memory stays flat in the number of accounts. With `--json` the
/// output is still one JSON document, written as it goes: `{"results": [..], "ok": ..,
/// "failures": [..], ..}`.
pub fn print_results<T: Serialize + Send>(
    out: &Output,
    args: &BulkArgs,
    what: &str,
    job: impl FnOnce(
        &Bulk<'_>,
        &[String],
        &mut (dyn FnMut(T) + Send),
    ) -> Result<BulkReport, BulkConfigError>,
    line: impl Fn(&T) -> String + Send + Sync,
) -> Result<(), CliError> {
    let json = out.is_json();
    let mut stream = ResultStream {
        out: std::io::BufWriter::new(std::io::stdout()),
        json,
        written: 0,
    };
    let (summary, _) = run_job(out, args, what, |bulk, accounts| {
        job(bulk, accounts, &mut |r| stream.push(&r, &line))
    })?;
    stream.finish(&summary)?;
    summary.status()
}

/// Results written to stdout as they arrive.
struct ResultStream {
    out: std::io::BufWriter<std::io::Stdout>,
    json: bool,
    written: u64,
}

impl ResultStream {
    fn push<T: Serialize>(&mut self, item: &T, line: &impl Fn(&T) -> String) {
        use std::io::Write;
        let _ = if self.json {
            let sep = if self.written == 0 {
                "{\"results\":["
            } else {
                ","
            };
            self.out
                .write_all(sep.as_bytes())
                .and_then(|()| serde_json::to_writer(&mut self.out, item).map_err(Into::into))
        } else {
            self.out.write_all(line(item).as_bytes())
        };
        self.written += 1;
    }

    /// Closes the results and prints the summary (the rest of the JSON document).
    fn finish(mut self, summary: &Summary) -> Result<(), CliError> {
        use std::io::Write;
        let result = if self.json {
            if self.written == 0 {
                let _ = self.out.write_all(b"{\"results\":[");
            }
            let rest = summary.to_json(Value::Null);
            let mut text = String::from("]");
            if let Value::Object(map) = rest {
                for (k, v) in map.into_iter().filter(|(k, _)| k != "results") {
                    text.push_str(&format!(",{}:{}", json!(k), v));
                }
            }
            text.push_str("}\n");
            self.out.write_all(text.as_bytes())
        } else {
            self.out.write_all(summary.text().as_bytes())
        };
        result
            .and_then(|()| self.out.flush())
            .map_err(|e| CliError::Failed(format!("cannot write the results: {e}")))
    }
}

/// A bulk job's [`Bulk`] runner with a progress bar wired to it. Repeated accounts are
/// sent once (the CLI holds the whole list anyway) and counted as duplicates.
pub fn runner<'p>(client: &Client, progress: &'p Progress) -> Bulk<'p> {
    Bulk::new(client)
        .workers(WORKERS)
        .dedupe_across_batches(true)
        .on_progress(move |p| progress.update(p.succeeded + p.failed + p.duplicates, p.failed))
}

/// The message (with advice) and the service code of one failed item.
fn describe(error: &ItemError, ctx: &CallContext) -> (String, Option<i64>, u8) {
    match error.call_error() {
        Some(e) => {
            let cli = from_client(e, ctx);
            (cli.to_string(), cli.service_code(), cli.code())
        }
        None => (error.to_string(), None, EXIT_FAILED),
    }
}

/// The outcome of a bulk command, ready to print.
#[derive(Debug)]
pub struct Summary {
    what: String,
    report: BulkReport,
    /// (error text, code, accounts), in the order errors were first seen.
    errors: Vec<(String, Option<i64>, Vec<String>)>,
    /// The exit code every failure alone would give, when they all agree.
    exit: Option<u8>,
}

impl Summary {
    /// Groups the failures of `report` by error, accounts in input order.
    pub fn new(what: &str, report: BulkReport, accounts: &[String], ctx: &CallContext) -> Summary {
        let mut failed: Vec<_> = report.failed.iter().collect();
        in_input_order(accounts, &mut failed, |f| &f.account);
        let mut errors: Vec<(String, Option<i64>, Vec<String>)> = Vec::new();
        let mut exit = None;
        for (i, f) in failed.into_iter().enumerate() {
            let (text, code, class) = describe(&f.error, ctx);
            exit = match (i, exit) {
                (0, _) => Some(class),
                (_, Some(e)) if e == class => Some(e),
                _ => None,
            };
            match errors.iter_mut().find(|(t, _, _)| *t == text) {
                Some((_, _, accounts)) => accounts.push(f.account.clone()),
                None => errors.push((text, code, vec![f.account.clone()])),
            }
        }
        Summary {
            what: what.to_owned(),
            report,
            errors,
            exit,
        }
    }

    /// The summary as JSON, with `results`.
    pub fn to_json(&self, results: Value) -> Value {
        let r = &self.report;
        let failures: Vec<Value> = self
            .errors
            .iter()
            .flat_map(|(error, code, accounts)| {
                accounts
                    .iter()
                    .map(move |a| json!({ "account": a, "code": code, "error": error }))
            })
            .collect();
        json!({
            "ok": r.is_success(),
            "endpoint": r.endpoint,
            "input": r.input,
            "succeeded": r.succeeded,
            "failed": r.failed.len(),
            "duplicates": r.duplicates,
            "requests": r.requests,
            "retries": r.retries,
            "failures": failures,
            "results": results,
        })
    }

    /// The summary as text: counts, then each distinct error once with its accounts.
    pub fn text(&self) -> String {
        let r = &self.report;
        let mut out = format!(
            "{}: {} of {} accounts succeeded, {} failed",
            self.what,
            r.succeeded,
            r.input,
            r.failed.len()
        );
        if r.duplicates > 0 {
            out.push_str(&format!(", {} duplicates skipped", r.duplicates));
        }
        out.push_str(&format!(" ({}", plural(r.requests, "call")));
        if r.retries > 0 {
            out.push_str(&format!(", {}", plural(r.retries, "retry")));
        }
        out.push_str(")\n");
        for (error, _, accounts) in &self.errors {
            let shown: Vec<&str> = accounts.iter().take(5).map(String::as_str).collect();
            let more = if accounts.len() > 5 {
                format!(" and {} more", accounts.len() - 5)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "failed: {} ({}{more}): {error}\n",
                plural(accounts.len() as u64, "account"),
                shown.join(", ")
            ));
        }
        out
    }

    /// Accounts that succeeded.
    pub fn succeeded(&self) -> u64 {
        self.report.succeeded
    }

    /// `Ok` when no account failed. Else exit status 1, except when no account succeeded
    /// and every failure was a transport error: then 3, as for a single call.
    pub fn status(&self) -> Result<(), CliError> {
        if self.report.is_success() {
            return Ok(());
        }
        let message = format!(
            "{}: {} of {} accounts failed (see the summary)",
            self.what,
            self.report.failed.len(),
            self.report.input
        );
        let code = if self.report.succeeded == 0 && self.exit == Some(EXIT_TRANSPORT) {
            EXIT_TRANSPORT
        } else {
            EXIT_FAILED
        };
        Err(CliError::Reported { code, message })
    }

    /// Prints the results (`text` builds them, shown only if some account succeeded) and
    /// the summary; exit status 1 if any account failed.
    pub fn print(
        &self,
        out: &Output,
        results: Value,
        text: impl FnOnce() -> String,
    ) -> Result<(), CliError> {
        out.result(&self.to_json(results), || {
            let mut s = if self.report.succeeded == 0 {
                String::new()
            } else {
                text()
            };
            s.push_str(&self.text());
            s
        });
        self.status()
    }
}

/// A bulk setting the CLI chose was refused (a bug, reported as a failure).
pub fn config_error(e: BulkConfigError) -> CliError {
    CliError::Failed(format!("cannot start the bulk job: {e}"))
}

/// Sorts `items` by the position of their account in `accounts` (results arrive from
/// several workers in any order).
pub fn in_input_order<T>(accounts: &[String], items: &mut [T], account: impl Fn(&T) -> &str) {
    let position: HashMap<&str, usize> = accounts
        .iter()
        .enumerate()
        .rev()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    items.sort_by_key(|t| position.get(account(t)).copied().unwrap_or(usize::MAX));
}

/// `1 call`, `2 calls`, `1 retry`, `2 retries`.
fn plural(n: u64, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {word}s"),
    }
}
