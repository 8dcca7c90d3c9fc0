//! `tim attrs get | set | remove`: user attributes (im_get_attr, im_set_attr,
//! im_remove_attr) for accounts on the command line or `--from-file`, any number of them
//! (`tim_client::bulk`), ending with a summary of succeeded and failed accounts.

use std::collections::BTreeMap;

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::Validate;
use tim_client::types::{RemoveAttrRequest, SetAttrRequest, UserAttrNames, UserAttrs};

use crate::accounts::AccountArgs;
use crate::batch::{self, Summary, config_error, in_input_order};
use crate::config::ConnArgs;
use crate::error::CliError;
use crate::output::{Output, OutputArgs};

/// `tim attrs` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AttrsCommand,
}

#[derive(Debug, Subcommand)]
enum AttrsCommand {
    /// Print the attributes of each account (im_get_attr).
    Get(Plain),
    /// Set attributes of each account (im_set_attr); names must be registered first with
    /// `tim attr-names set`.
    Set(SetArgs),
    /// Remove attributes of each account by name (im_remove_attr).
    Remove(RemoveArgs),
}

#[derive(Debug, clap::Args)]
struct Plain {
    #[command(flatten)]
    accounts: AccountArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// An attribute as NAME=VALUE (repeat for several).
    #[arg(long = "attr", value_name = "NAME=VALUE", required = true, value_parser = parse_pair)]
    attrs: Vec<(String, String)>,
    #[command(flatten)]
    accounts: AccountArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

#[derive(Debug, clap::Args)]
struct RemoveArgs {
    /// An attribute name (repeat for several).
    #[arg(long = "attr", value_name = "NAME", required = true)]
    attrs: Vec<String>,
    #[command(flatten)]
    accounts: AccountArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// Parses `KEY=VALUE` (the value may contain `=`; the key may not be empty).
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("must be KEY=VALUE with a non-empty KEY, got {s:?}")),
    }
}

/// Runs `tim attrs ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        AttrsCommand::Get(a) => {
            let out = Output::new(a.output);
            (out, get(&out, &a))
        }
        AttrsCommand::Set(a) => {
            let out = Output::new(a.output);
            (out, set(&out, &a))
        }
        AttrsCommand::Remove(a) => {
            let out = Output::new(a.output);
            (out, remove(&out, &a))
        }
    }
}

/// Checks the attributes given on the command line against the spec's limits (one request
/// for one account): bad input is a usage error before anything is sent.
fn precheck(request: &impl Validate) -> Result<(), CliError> {
    request
        .validate()
        .map_err(|e| CliError::Usage(format!("--attr: {e}; nothing was sent")))
}

fn get(out: &Output, a: &Plain) -> Result<(), CliError> {
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "attrs get");
    let mut users: Vec<UserAttrs> = Vec::new();
    let report = batch::runner(&client, &progress)
        .get_attrs(accounts.iter().cloned(), |u| users.push(u))
        .map_err(config_error)?;
    progress.finish();
    in_input_order(&accounts, &mut users, |u| &u.to_account);
    Summary::new("attrs get", report, &accounts, &ctx).print(out, json!(users), || {
        users
            .iter()
            .map(|u| {
                let attrs: Vec<String> = u.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let shown = if attrs.is_empty() {
                    "(no attributes)".to_owned()
                } else {
                    attrs.join(", ")
                };
                format!("{}: {shown}\n", u.to_account)
            })
            .collect()
    })
}

fn set(out: &Output, a: &SetArgs) -> Result<(), CliError> {
    let attrs: BTreeMap<String, String> = a.attrs.iter().cloned().collect();
    let item = |acc: &String| UserAttrs {
        to_account: acc.clone(),
        attrs: attrs.clone(),
    };
    precheck(&SetAttrRequest::new(vec![item(&"a".to_owned())]))?;
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "attrs set");
    let report = batch::runner(&client, &progress)
        .set_attrs(accounts.iter().map(item))
        .map_err(config_error)?;
    progress.finish();
    let summary = Summary::new("attrs set", report, &accounts, &ctx);
    summary.print(out, json!({ "attrs": attrs }), || {
        let shown: Vec<String> = attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "set {} on {} accounts\n",
            shown.join(", "),
            summary.succeeded()
        )
    })
}

fn remove(out: &Output, a: &RemoveArgs) -> Result<(), CliError> {
    let item = |acc: &String| UserAttrNames {
        to_account: acc.clone(),
        attrs: a.attrs.clone(),
    };
    precheck(&RemoveAttrRequest::new(vec![item(&"a".to_owned())]))?;
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "attrs remove");
    let report = batch::runner(&client, &progress)
        .remove_attrs(accounts.iter().map(item))
        .map_err(config_error)?;
    progress.finish();
    let summary = Summary::new("attrs remove", report, &accounts, &ctx);
    summary.print(out, Value::Null, || {
        format!(
            "removed {} from {} accounts\n",
            a.attrs.join(", "),
            summary.succeeded()
        )
    })
}
