//! `tim attrs get | set | remove`: user attributes (im_get_attr, im_set_attr,
//! im_remove_attr) for accounts on the command line or `--from-file`, any number of them
//! (`tim_client::bulk`), ending with a summary of succeeded and failed accounts.

use std::collections::BTreeMap;

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::all_member_push::{RemoveAttrRequest, SetAttrRequest, UserAttrNames, UserAttrs};

use crate::batch::{self, BulkArgs};
use crate::error::{CliError, precheck};
use crate::output::{Output, list, pairs, with_output};

/// `tim attrs` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AttrsCommand,
}

#[derive(Debug, Subcommand)]
enum AttrsCommand {
    /// Print the attributes of each account (im_get_attr).
    Get(BulkArgs),
    /// Set attributes of each account (im_set_attr); names must be registered first with
    /// `tim attr-names set`.
    Set(SetArgs),
    /// Remove attributes of each account by name (im_remove_attr).
    Remove(RemoveArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// An attribute as NAME=VALUE (repeat for several).
    #[arg(long = "attr", value_name = "NAME=VALUE", required = true, value_parser = parse_pair)]
    attrs: Vec<(String, String)>,
    #[command(flatten)]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
struct RemoveArgs {
    /// An attribute name (repeat for several).
    #[arg(long = "attr", value_name = "NAME", required = true)]
    attrs: Vec<String>,
    #[command(flatten)]
    bulk: BulkArgs,
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
        AttrsCommand::Get(a) => with_output(a.output, |out| get(out, &a)),
        AttrsCommand::Set(a) => with_output(a.bulk.output, |out| set(out, &a)),
        AttrsCommand::Remove(a) => with_output(a.bulk.output, |out| remove(out, &a)),
    }
}

fn get(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    batch::print_results(
        out,
        a,
        "attrs get",
        |bulk, accounts, sink| {
            bulk.all_member_push()
                .get_attr(accounts.iter().cloned(), sink)
        },
        |u: &UserAttrs| {
            let shown = list(&pairs(&u.attrs), "(no attributes)");
            format!("{}: {shown}\n", u.to_account)
        },
    )
}

fn set(out: &Output, a: &SetArgs) -> Result<(), CliError> {
    let attrs: BTreeMap<String, String> = a.attrs.iter().cloned().collect();
    let item = |acc: &String| UserAttrs::new(acc.clone(), attrs.clone());
    // The attributes checked as one request for one account: bad input is a usage error.
    precheck("--attr", &SetAttrRequest::new(vec![item(&"a".to_owned())]))?;
    let (summary, _) = batch::run_job(out, &a.bulk, "attrs set", |bulk, accounts| {
        bulk.all_member_push().set_attr(accounts.iter().map(item))
    })?;
    summary.print(out, json!({ "attrs": attrs }), || {
        format!(
            "set {} on {} accounts\n",
            pairs(&attrs).join(", "),
            summary.succeeded()
        )
    })
}

fn remove(out: &Output, a: &RemoveArgs) -> Result<(), CliError> {
    let item = |acc: &String| UserAttrNames::new(acc.clone(), a.attrs.iter().cloned());
    precheck(
        "--attr",
        &RemoveAttrRequest::new(vec![item(&"a".to_owned())]),
    )?;
    let (summary, _) = batch::run_job(out, &a.bulk, "attrs remove", |bulk, accounts| {
        bulk.all_member_push()
            .remove_attr(accounts.iter().map(item))
    })?;
    summary.print(out, Value::Null, || {
        format!(
            "removed {} from {} accounts\n",
            a.attrs.join(", "),
            summary.succeeded()
        )
    })
}
