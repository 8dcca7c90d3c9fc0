//! `tim accounts import | check | delete`: the account jobs an operator runs in bulk
//! (im_open_login_svc), for accounts given on the command line or `--from-file`, any number
//! of them. `check` and `delete` run as bulk jobs (their per-account results are reported,
//! a refused account counts as failed); `import` sends `multiaccount_import` calls of 100
//! accounts and reports the accounts the service could not import.

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::account::{AccountCheckResult, AccountItem, MultiAccountImportRequest};

use crate::batch::{self, BulkArgs};
use crate::error::{CliError, EXIT_FAILED, from_client};
use crate::output::{Output, with_output};

/// Accounts per `multiaccount_import` call (its documented maximum).
pub const IMPORT_BATCH: usize = 100;

/// `tim accounts` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AccountsCommand,
}

#[derive(Debug, Subcommand)]
enum AccountsCommand {
    /// Import accounts (multiaccount_import, 100 per call).
    Import(BulkArgs),
    /// Tell whether each account is imported (account_check).
    Check(BulkArgs),
    /// Delete accounts (account_delete; Free/Trial edition apps only, per the docs).
    Delete(BulkArgs),
}

/// Runs `tim accounts ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        AccountsCommand::Import(a) => with_output(a.output, |out| import(out, &a)),
        AccountsCommand::Check(a) => with_output(a.output, |out| check(out, &a)),
        AccountsCommand::Delete(a) => with_output(a.output, |out| delete(out, &a)),
    }
}

fn items(accounts: &[String]) -> impl Iterator<Item = AccountItem> + '_ {
    accounts.iter().map(|a| AccountItem::new(a.clone()))
}

fn import(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let (failed, calls) =
        import_in_batches(&client, &accounts).map_err(|e| from_client(&e, &ctx))?;
    let imported = accounts.len() - failed.len();
    out.result(
        &json!({
            "ok": failed.is_empty(),
            "input": accounts.len(),
            "imported": imported,
            "failed": failed,
            "requests": calls,
        }),
        || {
            let mut s = format!(
                "imported {imported} of {} accounts ({calls} calls)\n",
                accounts.len()
            );
            if !failed.is_empty() {
                s.push_str(&format!("not imported: {}\n", failed.join(", ")));
            }
            s
        },
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Reported {
            code: EXIT_FAILED,
            message: format!(
                "accounts import: {} of {} accounts not imported",
                failed.len(),
                accounts.len()
            ),
        })
    }
}

/// Imports `accounts` with `multiaccount_import`, [`IMPORT_BATCH`] per call; returns the
/// accounts the service could not import and the number of calls.
pub fn import_in_batches(
    client: &tim_client::Client,
    accounts: &[String],
) -> Result<(Vec<String>, u64), tim_client::Error> {
    let mut failed = Vec::new();
    let mut calls = 0u64;
    for chunk in accounts.chunks(IMPORT_BATCH) {
        calls += 1;
        let answer = client.account().multi_account_import(
            MultiAccountImportRequest::new().accounts(chunk.iter().cloned()),
        )?;
        failed.extend(answer.fail_accounts.unwrap_or_default());
    }
    Ok((failed, calls))
}

fn check(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    batch::print_results(
        out,
        a,
        "accounts check",
        |bulk, accounts, sink| bulk.account().account_check(items(accounts), sink),
        |r: &AccountCheckResult| {
            format!(
                "{}: {}\n",
                r.user_id,
                r.account_status.as_deref().unwrap_or("unknown")
            )
        },
    )
}

fn delete(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    let (summary, _) = batch::run_job(out, a, "accounts delete", |bulk, accounts| {
        bulk.account().account_delete(items(accounts), |_| {})
    })?;
    summary.print(out, Value::Null, || {
        format!("deleted {} accounts\n", summary.succeeded())
    })
}
