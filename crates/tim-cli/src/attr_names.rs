//! `tim attr-names get | set`: the app's push attribute names (im_get_attr_name,
//! im_set_attr_name), slots "0" to "9".

use std::collections::BTreeMap;

use clap::Subcommand;
use serde_json::json;
use tim_client::all_member_push::SetAttrNameRequest;

use crate::attrs::parse_pair;
use crate::config::ConnArgs;
use crate::error::{CliError, from_client, precheck};
use crate::output::{Output, OutputArgs, pairs, with_output};

/// `tim attr-names` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AttrNamesCommand,
}

#[derive(Debug, Subcommand)]
enum AttrNamesCommand {
    /// Print the app's attribute names by slot (im_get_attr_name).
    Get(GetArgs),
    /// Set attribute names (im_set_attr_name), e.g. `tim attr-names set 0=city 1=plan`.
    Set(SetArgs),
}

#[derive(Debug, clap::Args)]
struct GetArgs {
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// SLOT=NAME pairs; slots are "0" to "9", names at most 50 bytes.
    #[arg(value_name = "SLOT=NAME", required = true, value_parser = parse_pair)]
    names: Vec<(String, String)>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// Runs `tim attr-names ...`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    match args.command {
        AttrNamesCommand::Get(a) => with_output(a.output, |out| get(out, &a)),
        AttrNamesCommand::Set(a) => with_output(a.output, |out| set(out, &a)),
    }
}

fn get(out: &Output, a: &GetArgs) -> Result<(), CliError> {
    let (client, ctx) = a.conn.client()?;
    let names = client
        .all_member_push()
        .get_attr_name()
        .map_err(|e| from_client(&e, &ctx))?
        .attr_names
        .unwrap_or_default();
    out.result(&json!({ "ok": true, "attr_names": names }), || {
        if names.is_empty() {
            return "no attribute names set\n".to_owned();
        }
        names
            .iter()
            .map(|(slot, name)| format!("{slot}: {name}\n"))
            .collect()
    });
    Ok(())
}

fn set(out: &Output, a: &SetArgs) -> Result<(), CliError> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (slot, name) in &a.names {
        if let Some(first) = names.insert(slot.clone(), name.clone()) {
            return Err(CliError::Usage(format!(
                "SLOT=NAME: slot {slot} is given twice ({slot}={first} and {slot}={name}); nothing was sent"
            )));
        }
    }
    let request = SetAttrNameRequest::new(names.clone());
    precheck("invalid request", &request)?;
    let (client, ctx) = a.conn.client()?;
    client
        .all_member_push()
        .set_attr_name(request)
        .map_err(|e| from_client(&e, &ctx))?;
    out.result(&json!({ "ok": true, "attr_names": names }), || {
        format!("set attribute names {}\n", pairs(&names).join(", "))
    });
    Ok(())
}
