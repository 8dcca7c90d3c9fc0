//! Output: readable text by default, one JSON document on stdout with `--json`.
//!
//! Results go to stdout; errors, progress and advice go to stderr. With `--json`, a failed
//! command also prints `{"ok": false, "error": {...}}` on stdout, so a script always gets a
//! JSON document to parse. Nothing here ever prints the secret key or a UserSig: commands
//! only hand this module values that contain neither.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::error::CliError;

/// The output options every command that calls the service takes.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct OutputArgs {
    /// Print the result as one JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs a command with the [`Output`] its `--json` flag asks for; returns that output (for
/// reporting an error) with the command's result.
pub fn with_output(
    args: OutputArgs,
    command: impl FnOnce(&Output) -> Result<(), CliError>,
) -> (Output, Result<(), CliError>) {
    let out = Output::new(args);
    (out, command(&out))
}

/// Where and how results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    /// From the `--json` flag.
    pub fn new(args: OutputArgs) -> Output {
        Output { json: args.json }
    }

    /// Whether `--json` was given.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints a result: `value` with `--json`, else the text `text` builds (which should end
    /// with a newline when not empty).
    pub fn result(&self, value: &Value, text: impl FnOnce() -> String) {
        let mut stdout = std::io::stdout().lock();
        let _ = if self.json {
            writeln!(stdout, "{}", pretty(value))
        } else {
            stdout.write_all(text().as_bytes())
        };
        let _ = stdout.flush();
    }

    /// A line of text for the reader (text mode only; stdout stays pure JSON with `--json`).
    pub fn say(&self, line: &str) {
        if !self.json {
            println!("{line}");
        }
    }

    /// Reports a failed command: the message on stderr and, with `--json`, an error
    /// document on stdout.
    pub fn error(&self, err: &CliError) {
        eprintln!("tim: {err}");
        // A reported outcome already printed its document: stdout holds exactly one.
        if self.json && !matches!(err, CliError::Reported { .. }) {
            let mut e =
                json!({ "kind": err.kind(), "exit_code": err.code(), "message": err.to_string() });
            if let Some(code) = err.service_code() {
                e["code"] = json!(code);
            }
            println!("{}", pretty(&json!({ "ok": false, "error": e })));
        }
    }

    /// A progress bar on stderr over `total` items, drawn only when stderr is a terminal.
    pub fn progress(&self, total: u64, what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:40}] {pos}/{len} accounts ({elapsed}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_owned());
        Progress { bar: Some(bar) }
    }
}

/// A progress bar that may be invisible (stderr not a terminal).
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Sets how many items are done and how many failed so far.
    pub fn update(&self, done: u64, failed: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            if failed > 0 {
                bar.set_message(format!("{failed} failed"));
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Pretty JSON (serialization of a `Value` cannot fail).
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// `KEY=VALUE` for each entry of `map`, in key order.
pub fn pairs(map: &BTreeMap<String, String>) -> Vec<String> {
    map.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// `a, b, c`, or `empty` when there are none.
pub fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join(", ")
    }
}
