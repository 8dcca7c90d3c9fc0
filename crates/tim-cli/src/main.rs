//! `tim`: the command-line tool for the Tencent Cloud Chat server REST API.
//!
//! Each subcommand group lives in its own module and exposes `Args` (clap) plus
//! `run(args) -> Result<(), CliError>`:
//! - [`usersig`]: `tim usersig gen | verify | decode`.
//!
//! Shared pieces: [`keysrc`] reads the app key, [`error`] maps failures to exit codes
//! (0 ok, 1 operation or verification failed, 2 usage error; clap's own usage errors also
//! exit 2).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod error;
mod keysrc;
mod usersig;

/// Command-line tool for the Tencent Cloud Chat (TIM) server REST API.
#[derive(Debug, Parser)]
#[command(name = "tim", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommand groups.
#[derive(Debug, Subcommand)]
enum Command {
    /// Generate, verify and decode UserSigs (TLSSigAPIv2).
    Usersig(usersig::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Usersig(args) => usersig::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tim: {e}");
            e.exit_code()
        }
    }
}
