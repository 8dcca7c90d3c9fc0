//! `tim tags get | add | remove | clear`: user tags (im_get_tag, im_add_tag, im_remove_tag,
//! im_remove_all_tags) for accounts given on the command line or `--from-file`, any number
//! of them (`tim_client::bulk`), ending with a summary of succeeded and failed accounts.

use clap::Subcommand;
use serde_json::{Value, json};
use tim_client::BatchRequest;
use tim_client::all_member_push::{AddTagRequest, RemoveTagRequest, UserTags, UserTagsToAdd};

use crate::batch::{self, BulkArgs};
use crate::error::{CliError, precheck};
use crate::output::{Output, list, with_output};

/// `tim tags` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TagsCommand,
}

#[derive(Debug, Subcommand)]
enum TagsCommand {
    /// Print the tags of each account (im_get_tag).
    Get(BulkArgs),
    /// Add tags to each account (im_add_tag): each tag 1 to 50 bytes, at most 100 per
    /// account (sent 10 per request).
    Add(WithTags),
    /// Remove the given tags from each account (im_remove_tag).
    Remove(WithTags),
    /// Remove all tags of each account (im_remove_all_tags).
    Clear(BulkArgs),
}

#[derive(Debug, clap::Args)]
struct WithTags {
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG", required = true)]
    tags: Vec<String>,
    #[command(flatten)]
    bulk: BulkArgs,
}

/// Runs `tim tags ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        TagsCommand::Get(a) => with_output(a.output, |out| get(out, &a)),
        TagsCommand::Add(a) => with_output(a.bulk.output, |out| add(out, &a)),
        TagsCommand::Remove(a) => with_output(a.bulk.output, |out| remove(out, &a)),
        TagsCommand::Clear(a) => with_output(a.output, |out| clear(out, &a)),
    }
}

/// Checks the tags given on the command line against the spec's limits (one request for
/// one account), so a bad tag is a usage error before anything is sent rather than a
/// failure of every account.
fn check_tags(tags: &[String], add: bool) -> Result<(), CliError> {
    if add {
        // The spec's split rule: an account holds at most `max_items` tags, sent in parts of
        // what one request allows.
        if let Some(split) = AddTagRequest::SPLIT
            && tags.len() as u64 > split.max_items
        {
            return Err(CliError::Usage(format!(
                "--tag: at most {max} tags (an account holds at most {max}), got {}",
                tags.len(),
                max = split.max_items
            )));
        }
        let item = UserTagsToAdd::new("a", tags.iter().cloned());
        for part in AddTagRequest::split_item(item) {
            precheck("--tag", &AddTagRequest::new(vec![part]))?;
        }
    } else {
        let request = RemoveTagRequest::new(vec![UserTags::new("a", tags.iter().cloned())]);
        precheck("--tag", &request)?;
    }
    Ok(())
}

fn get(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    batch::print_results(
        out,
        a,
        "tags get",
        |bulk, accounts, sink| {
            bulk.all_member_push()
                .get_tag(accounts.iter().cloned(), sink)
        },
        |u: &UserTags| format!("{}: {}\n", u.to_account, list(&u.tags, "(no tags)")),
    )
}

fn add(out: &Output, a: &WithTags) -> Result<(), CliError> {
    check_tags(&a.tags, true)?;
    let (summary, _) = batch::run_job(out, &a.bulk, "tags add", |bulk, accounts| {
        bulk.all_member_push().add_tag(
            accounts
                .iter()
                .map(|acc| UserTagsToAdd::new(acc.clone(), a.tags.iter().cloned())),
        )
    })?;
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
    let (summary, _) = batch::run_job(out, &a.bulk, "tags remove", |bulk, accounts| {
        bulk.all_member_push().remove_tag(
            accounts
                .iter()
                .map(|acc| UserTags::new(acc.clone(), a.tags.iter().cloned())),
        )
    })?;
    summary.print(out, json!({ "tags": a.tags }), || {
        format!(
            "removed tags {} from {} accounts\n",
            a.tags.join(", "),
            summary.succeeded()
        )
    })
}

fn clear(out: &Output, a: &BulkArgs) -> Result<(), CliError> {
    let (summary, _) = batch::run_job(out, a, "tags clear", |bulk, accounts| {
        bulk.all_member_push()
            .remove_all_tags(accounts.iter().cloned())
    })?;
    summary.print(out, Value::Null, || {
        format!("removed all tags of {} accounts\n", summary.succeeded())
    })
}
