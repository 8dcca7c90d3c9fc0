//! `tim call SERVICE/COMMAND JSON [--query NAME=VALUE]`: any endpoint of the spec with a raw
//! JSON body and the endpoint's own query parameters, checked first with the generated
//! `endpoints::validate_call` (the endpoint's request type and its documented limits), and
//! `tim call --list`. The endpoint list, its details and the checks
//! come from the spec through generated code, so new endpoints appear here without changes
//! to the CLI.

use std::io::Read;

use serde_json::{Value, json};
use tim_client::endpoint::{Endpoint, RetrySafety};
use tim_client::endpoints;

use crate::config::ConnArgs;
use crate::error::{CliError, from_client};
use crate::output::{Output, OutputArgs, pretty};

/// `tim call` arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = endpoint_help())]
pub struct Args {
    /// List the endpoints (path, summary, limits) and exit.
    #[arg(long, conflicts_with_all = ["endpoint", "body"])]
    list: bool,
    /// The endpoint: SERVICE/COMMAND (e.g. all_member_push/im_get_tag), v4/SERVICE/COMMAND,
    /// or just COMMAND when it is unambiguous.
    #[arg(value_name = "SERVICE/COMMAND", required_unless_present = "list")]
    endpoint: Option<String>,
    /// The request body as JSON, or "-" to read it from stdin [default: {}].
    #[arg(value_name = "JSON")]
    body: Option<String>,
    /// Send the body without checking it against the endpoint's request type and limits
    /// (to see what the service itself answers).
    #[arg(long)]
    unchecked: bool,
    /// One of the endpoint's own query parameters, NAME=VALUE (e.g. `nettype=1` for
    /// ConfigSvc/GetIPList); repeatable. The five API-wide ones are added by tim.
    #[arg(long, value_name = "NAME=VALUE")]
    query: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    conn: ConnArgs,
}

/// The `--help` epilogue: every endpoint with its summary.
fn endpoint_help() -> String {
    let mut s = String::from("Endpoints (from the spec):\n");
    for e in endpoints::ALL {
        s.push_str(&format!("  {}/{}  {}\n", e.service, e.command, e.title));
    }
    s.push_str("\nThe body is checked against the endpoint's request type and documented limits before anything is sent (--unchecked skips that); rate limits and retries apply. The response body is printed as JSON.");
    s
}

/// Finds an endpoint by path or unambiguous command name.
pub fn resolve(name: &str) -> Result<&'static Endpoint, CliError> {
    if let Some(e) = endpoints::by_path(name) {
        return Ok(e);
    }
    let by_command: Vec<&'static Endpoint> = endpoints::ALL
        .iter()
        .copied()
        .filter(|e| e.command == name)
        .collect();
    match by_command.as_slice() {
        [one] => Ok(one),
        [] => Err(CliError::Usage(format!(
            "SERVICE/COMMAND: no endpoint {name:?} in the spec; `tim call --list` lists them"
        ))),
        many => Err(CliError::Usage(format!(
            "SERVICE/COMMAND: {name:?} is ambiguous, use one of {}",
            many.iter().map(|e| e.path).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// One endpoint's metadata as JSON.
fn endpoint_json(e: &Endpoint) -> Value {
    json!({
        "path": e.path,
        "service": e.service,
        "command": e.command,
        "method": e.method,
        "title": e.title,
        "doc_url": e.doc_url,
        "rate_limit": {
            "per_second": e.rate_limit.per_second,
            "min_interval_ms": e.rate_limit.min_interval_ms,
            "per_day": e.rate_limit.per_day,
        },
        "batch": e.batch.map(|b| json!({ "field": b.field, "max_items": b.max_items })),
        "retry": match e.retry {
            RetrySafety::Safe => "safe".to_owned(),
            RetrySafety::IdempotencyKey(k) => format!("same {k}"),
            RetrySafety::Never => "never".to_owned(),
        },
        "errors": e.errors,
    })
}

/// One endpoint's limits in words.
fn limits_text(e: &Endpoint) -> String {
    let mut parts = Vec::new();
    if let Some(n) = e.rate_limit.per_second {
        parts.push(format!("{n} calls/s"));
    }
    if let Some(ms) = e.rate_limit.min_interval_ms {
        parts.push(format!("> {ms} ms apart"));
    }
    if let Some(n) = e.rate_limit.per_day {
        parts.push(format!("{n}/day"));
    }
    if let Some(b) = e.batch
        && let Some(max) = b.max_items
    {
        parts.push(format!("{} <= {max}", b.field));
    }
    parts.join(", ")
}

/// Runs `tim call`; returns the output mode for error reporting.
pub fn run(args: Args) -> (Output, Result<(), CliError>) {
    let out = Output::new(args.output);
    (out, call(&out, &args))
}

fn call(out: &Output, a: &Args) -> Result<(), CliError> {
    if a.list {
        let list: Vec<Value> = endpoints::ALL.iter().map(|e| endpoint_json(e)).collect();
        out.result(&json!(list), || {
            let width = endpoints::ALL
                .iter()
                .map(|e| e.service.len() + e.command.len() + 1)
                .max()
                .unwrap_or(0);
            endpoints::ALL
                .iter()
                .map(|e| {
                    let path = format!("{}/{}", e.service, e.command);
                    format!("{path:width$}  {} ({})\n", e.title, limits_text(e))
                })
                .collect()
        });
        return Ok(());
    }
    let name = a.endpoint.as_deref().unwrap_or_default();
    let endpoint = resolve(name)?;
    let text = match a.body.as_deref() {
        None => "{}".to_owned(),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| {
                CliError::Usage(format!("cannot read the JSON body from stdin: {e}"))
            })?;
            s
        }
        Some(s) => s.to_owned(),
    };
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("JSON: not valid JSON: {e}")))?;
    if !body.is_object() {
        return Err(CliError::Usage(format!(
            "JSON: must be an object (the request body), got {}",
            kind(&body)
        )));
    }
    let mut pairs = Vec::new();
    for q in &a.query {
        let Some((name, value)) = q.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(CliError::Usage(format!(
                "--query: must be NAME=VALUE, got {q:?}"
            )));
        };
        pairs.push((name, value));
    }
    let query: Vec<(&str, String)> = if a.unchecked {
        pairs.iter().map(|(n, v)| (*n, (*v).to_owned())).collect()
    } else {
        endpoints::validate_call(endpoint, &body, &pairs)
            .map_err(|e| {
                CliError::Usage(format!(
                    "JSON: {e} (for {}); nothing was sent",
                    endpoint.path
                ))
            })?
            .into_iter()
            .collect()
    };
    let (client, ctx) = a.conn.client()?;
    let response = client
        .send_json_with_query(endpoint, &body, &query)
        .map_err(|e| from_client(&e, &ctx))?;
    out.result(&response, || format!("{}\n", pretty(&response)));
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
