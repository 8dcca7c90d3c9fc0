//! `tim webhook`: the callbacks (webhooks) the service sends to the app's server.
//!
//! - `tim webhook sign --token T --time N` prints `sha256(T + N)` in hex: the `Sign` of a
//!   callback made at `N` (to check a receiver by hand, or a captured callback).
//! - `tim webhook serve --port P [--token T] [--sdkappid N]` receives callbacks (behind a
//!   tunnel while developing, or from `tim emulator serve --callback-url`), checks each
//!   (the app, the signature and its time when a token is given), answers "go ahead" and
//!   prints each one as one JSON line on stdout: `{"command", "sdkappid", "client_ip",
//!   "platform", "request_time", "event"}`. A refused callback gets HTTP 403 and one line on
//!   stderr saying why (never the signature or the token); nothing goes to stdout.

use std::io::Write;
use std::sync::Mutex;

use clap::Subcommand;
use serde_json::json;
use tim_emulator::CallbackReceiver;
use tim_webhook::{AnswerEnvelope, Receiver, answer_body, ok_answer};

use crate::error::CliError;

/// Environment variable read for the token when `--token` is absent.
pub const TOKEN_ENV: &str = "TIM_CALLBACK_TOKEN";

/// `tim webhook` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: WebhookCommand,
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Print the signature of a callback: sha256(token + time) in hex.
    Sign(SignArgs),
    /// Receive callbacks, answer "go ahead", print each as a JSON line.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct SignArgs {
    /// The callback authentication token [env: TIM_CALLBACK_TOKEN].
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// `RequestTime`: Unix time in seconds.
    #[arg(long, value_name = "N")]
    time: u64,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// TCP port (0: any free port; the URL printed on stderr says which).
    #[arg(long, value_name = "P", default_value_t = 0)]
    port: u16,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: String,
    /// Check every callback's signature with this token [env: TIM_CALLBACK_TOKEN].
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// The app's SDKAppID: callbacks of another app are refused [env: TIM_SDKAPPID].
    #[arg(long, value_name = "N")]
    sdkappid: Option<u32>,
}

/// Runs `tim webhook ...`.
pub fn run(args: Args) -> Result<(), CliError> {
    match args.command {
        WebhookCommand::Sign(a) => {
            let token = token(a.token).ok_or_else(|| {
                CliError::Usage(format!("no token: pass --token T or set {TOKEN_ENV}"))
            })?;
            println!("{}", tim_webhook::sign(&token, a.time));
            Ok(())
        }
        WebhookCommand::Serve(a) => serve(a),
    }
}

fn token(flag: Option<String>) -> Option<String> {
    flag.or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.is_empty())
}

fn serve(a: ServeArgs) -> Result<(), CliError> {
    let sdkappid = crate::emulator::sdkappid(a.sdkappid)?;
    let mut receiver = Receiver::new(sdkappid);
    let signed = match token(a.token) {
        Some(t) => {
            receiver = receiver.token(t);
            true
        }
        None => false,
    };
    let stdout = Mutex::new(std::io::stdout());
    let addr = format!("{}:{}", a.bind, a.port);
    let server = CallbackReceiver::start(addr.as_str(), receiver, move |callback| {
        match callback {
            Ok(cb) => {
                let line = json!({
                    "command": cb.query.command,
                    "sdkappid": cb.query.sdkappid,
                    "client_ip": cb.query.client_ip,
                    "platform": cb.query.platform,
                    "request_time": cb.query.request_time,
                    "event": cb.event,
                });
                if let Ok(mut out) = stdout.lock() {
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
                ok_answer()
            }
            Err(err) => {
                // The error never holds the token or the signature.
                eprintln!("refused a callback: {err}");
                answer_body(&AnswerEnvelope::fail(1, err.to_string()))
            }
        }
    })
    .map_err(|e| CliError::Failed(format!("cannot listen on {addr}: {e}")))?;
    eprintln!(
        "tim webhook: receiving callbacks for SDKAppID {sdkappid} at {} ({}); one JSON line per \
         callback on stdout; stop with Ctrl-C.",
        server.url(),
        if signed {
            "signatures checked"
        } else {
            "no token: signatures not checked"
        }
    );
    server.wait();
    Ok(())
}
