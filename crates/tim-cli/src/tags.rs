//! `tim tags get | add | remove | clear`: user tags (im_get_tag, im_add_tag, im_remove_tag,
//! im_remove_all_tags) for accounts given on the command line or `--from-file`, any number
//! of them (`tim_client::bulk`), ending with a summary of succeeded and failed accounts.

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::Validate;
use tim_client::bulk::{ADD_TAGS_PER_REQUEST, MAX_TAGS_PER_ACCOUNT};
use tim_client::types::{AddTagRequest, RemoveTagRequest, UserTags, UserTagsToAdd};

use crate::accounts::AccountArgs;
use crate::batch::{self, Summary, config_error, in_input_order};
use crate::config::ConnArgs;
use crate::error::CliError;
use crate::output::{Output, OutputArgs, list};

/// `tim tags` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TagsCommand,
}

#[derive(Debug, Subcommand)]
enum TagsCommand {
    /// Print the tags of each account (im_get_tag).
    Get(Plain),
    /// Add tags to each account (im_add_tag): each tag 1 to 50 bytes, at most 100 per
    /// account (sent 10 per request).
    Add(WithTags),
    /// Remove the given tags from each account (im_remove_tag).
    Remove(WithTags),
    /// Remove all tags of each account (im_remove_all_tags).
    Clear(Plain),
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
struct WithTags {
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG", required = true)]
    tags: Vec<String>,
    #[command(flatten)]
    accounts: AccountArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// Runs `tim tags ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        TagsCommand::Get(a) => {
            let out = Output::new(a.output);
            (out, get(&out, &a))
        }
        TagsCommand::Add(a) => {
            let out = Output::new(a.output);
            (out, add(&out, &a))
        }
        TagsCommand::Remove(a) => {
            let out = Output::new(a.output);
            (out, remove(&out, &a))
        }
        TagsCommand::Clear(a) => {
            let out = Output::new(a.output);
            (out, clear(&out, &a))
        }
    }
}

/// Checks the tags given on the command line against the spec's limits (one request for
/// one account), so a bad tag is a usage error before anything is sent rather than a
/// failure of every account.
fn check_tags(tags: &[String], add: bool) -> Result<(), CliError> {
    let invalid = |e| CliError::Usage(format!("--tag: {e}; nothing was sent"));
    if add {
        if tags.len() > MAX_TAGS_PER_ACCOUNT {
            return Err(CliError::Usage(format!(
                "--tag: at most {MAX_TAGS_PER_ACCOUNT} tags (an account holds at most {MAX_TAGS_PER_ACCOUNT}), got {}",
                tags.len()
            )));
        }
        for part in tags.chunks(ADD_TAGS_PER_REQUEST) {
            AddTagRequest::new(vec![UserTagsToAdd {
                to_account: "a".into(),
                tags: part.to_vec(),
            }])
            .validate()
            .map_err(invalid)?;
        }
    } else {
        RemoveTagRequest::new(vec![UserTags {
            to_account: "a".into(),
            tags: tags.to_vec(),
        }])
        .validate()
        .map_err(invalid)?;
    }
    Ok(())
}

fn get(out: &Output, a: &Plain) -> Result<(), CliError> {
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "tags get");
    let mut users: Vec<UserTags> = Vec::new();
    let report = batch::runner(&client, &progress)
        .get_tags(accounts.iter().cloned(), |u| users.push(u))
        .map_err(config_error)?;
    progress.finish();
    in_input_order(&accounts, &mut users, |u| &u.to_account);
    Summary::new("tags get", report, &accounts, &ctx).print(out, json!(users), || {
        users
            .iter()
            .map(|u| format!("{}: {}\n", u.to_account, list(&u.tags, "(no tags)")))
            .collect()
    })
}

fn add(out: &Output, a: &WithTags) -> Result<(), CliError> {
    check_tags(&a.tags, true)?;
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "tags add");
    let items = accounts.iter().map(|acc| UserTagsToAdd {
        to_account: acc.clone(),
        tags: a.tags.clone(),
    });
    let report = batch::runner(&client, &progress)
        .add_tags(items)
        .map_err(config_error)?;
    progress.finish();
    let summary = Summary::new("tags add", report, &accounts, &ctx);
    summary.print(out, json!({ "tags": a.tags }), || {
        format!(
            "added tags {} to {} accounts\n",
            a.tags.join(", "),
            summary.succeeded()
        )
    })
}

fn remove(out: &Output, a: &WithTags) -> Result<(), CliError> {
    check_tags(&a.tags, false)?;
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "tags remove");
    let items = accounts.iter().map(|acc| UserTags {
        to_account: acc.clone(),
        tags: a.tags.clone(),
    });
    let report = batch::runner(&client, &progress)
        .remove_tags(items)
        .map_err(config_error)?;
    progress.finish();
    let summary = Summary::new("tags remove", report, &accounts, &ctx);
    summary.print(out, json!({ "tags": a.tags }), || {
        format!(
            "removed tags {} from {} accounts\n",
            a.tags.join(", "),
            summary.succeeded()
        )
    })
}

fn clear(out: &Output, a: &Plain) -> Result<(), CliError> {
    let accounts = a.accounts.load()?;
    let (client, ctx) = a.conn.client()?;
    let progress = out.progress(accounts.len() as u64, "tags clear");
    let report = batch::runner(&client, &progress)
        .remove_all_tags(accounts.iter().cloned())
        .map_err(config_error)?;
    progress.finish();
    let summary = Summary::new("tags clear", report, &accounts, &ctx);
    summary.print(out, Value::Null, || {
        format!("removed all tags of {} accounts\n", summary.succeeded())
    })
}
