//! `tim`: the command-line tool for the Tencent Cloud Chat server REST API.
//!
//! This file holds only the clap command tree and the dispatch. Each subcommand group lives
//! in its own module and exposes `Args` (clap) plus `run(args)`:
//! - [`usersig`]: `tim usersig gen | verify | decode`.
//! - [`tags`]: `tim tags get | add | remove | clear`; [`attrs`]: `tim attrs get | set |
//!   remove`; [`attr_names`]: `tim attr-names get | set`; [`push`]: `tim push`.
//! - [`call`]: `tim call SERVICE/COMMAND JSON` for any endpoint of the spec, `tim call --list`.
//! - [`emulator`]: `tim emulator serve`; [`demo`]: `tim demo`, the main job.
//!
//! Shared pieces: [`config`] (flags and environment -> client), [`keysrc`] (the app key),
//! [`accounts`] (account lists and `--from-file`), [`batch`] (bulk jobs, progress and
//! summaries), [`output`] (text or JSON), [`error`] (failures -> exit codes and advice).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod account_cmd;
mod accounts;
mod attr_names;
mod attrs;
mod batch;
mod call;
mod config;
mod demo;
mod demo_chat;
mod demo_group;
mod demo_webhook;
mod emulator;
mod error;
mod group_cmd;
mod keysrc;
mod message;
mod output;
mod push;
mod tags;
mod usersig;
mod webhook;

use output::Output;

/// The `tim --help` epilogue: configuration (regions from the spec) and exit codes.
fn after_help() -> String {
    format!(
        "\
Configuration (flags beat environment variables):
  --sdkappid N            TIM_SDKAPPID     the app's SDKAppID
  --key-file PATH         TIM_SECRET_KEY   the app's secret key (never printed)
  --admin ID              TIM_ADMIN        the admin account (default: administrator)
  --region R              TIM_REGION       one of: {regions}
  --base-url URL          TIM_BASE_URL     instead of a region, e.g. a local emulator
  --standby                                the region's standby domain (the docs' backup host)
  Plain http:// base URLs are accepted for loopback hosts (127.0.0.0/8, ::1, localhost)
  only; any other http:// host needs --insecure-http (the UserSig would travel unencrypted).

Output: readable text on stdout by default; --json prints one JSON document instead (on
failure: {{\"ok\": false, \"error\": {{...}}}}). Errors and advice go to stderr.

Exit codes:
  0  success
  1  the service answered an error, an operation failed, or an account of a bulk
     command failed
  2  usage or configuration error (nothing was sent)
  3  transport or network error (connection, timeout, HTTP status, undecodable answer);
     for a bulk command: every account failed that way

Start with `tim demo`: it runs every endpoint against an in-process emulator.",
        regions = config::region_ids()
    )
}

/// Command-line tool for the Tencent Cloud Chat (TIM) server REST API.
#[derive(Debug, Parser)]
#[command(name = "tim", version, about, propagate_version = true, after_help = after_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommand groups.
#[derive(Debug, Subcommand)]
enum Command {
    /// Tell the story of a chat backend (accounts, profiles, friends, messages, history,
    /// unread counts, then tags and a push) against an in-process emulator (or --base-url).
    Demo(demo::Args),
    /// Accounts: import, check, delete (any number of accounts, --from-file).
    Accounts(account_cmd::Args),
    /// User tags: get, add, remove, clear (any number of accounts, --from-file).
    Tags(tags::Args),
    /// User attributes: get, set, remove (any number of accounts, --from-file).
    Attrs(attrs::Args),
    /// The app's attribute names: get, set.
    #[command(name = "attr-names")]
    AttrNames(attr_names::Args),
    /// Push a text message to all users, or by tags or attributes.
    Push(push::Args),
    /// Send a one-to-one text message to any number of accounts (batchsendmsg, --from-file).
    Send(message::SendArgs),
    /// Read a one-to-one conversation's history, oldest first (admin_getroammsg, every page).
    History(message::HistoryArgs),
    /// Groups: create, add and remove members (any number, --from-file), send a message or
    /// a system notification, read the history.
    Group(group_cmd::Args),
    /// Call any endpoint of the spec with a JSON body; --list lists them.
    Call(call::Args),
    /// Run the local emulator of the service.
    Emulator(emulator::Args),
    /// Generate, verify and decode UserSigs (TLSSigAPIv2).
    Usersig(usersig::Args),
    /// Callbacks (webhooks): sign one, or receive them and print each as a JSON line.
    Webhook(webhook::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let text = Output::new(output::OutputArgs { json: false });
    let (out, result) = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Accounts(a) => account_cmd::run(a),
        Command::Tags(a) => tags::run(a),
        Command::Attrs(a) => attrs::run(a),
        Command::AttrNames(a) => attr_names::run(a),
        Command::Push(a) => push::run(a),
        Command::Send(a) => message::send(a),
        Command::History(a) => message::history(a),
        Command::Group(a) => group_cmd::run(a),
        Command::Call(a) => call::run(a),
        Command::Emulator(a) => (text, emulator::run(a)),
        Command::Usersig(a) => (text, usersig::run(a)),
        Command::Webhook(a) => (text, webhook::run(a)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            e.exit_code()
        }
    }
}
