//! `tim emulator serve`: runs the in-memory emulator (`tim-emulator`) over HTTP until the
//! process is killed. The base URL goes alone on the first line of stdout (for scripts);
//! how to point `tim` at it goes to stderr.

use std::io::Write;

use clap::Subcommand;
use tim_emulator::{Config, Emulator};

use crate::config::SDKAPPID_ENV;
use crate::error::CliError;
use crate::keysrc::KeyArgs;

/// `tim emulator` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: EmulatorCommand,
}

#[derive(Debug, Subcommand)]
enum EmulatorCommand {
    /// Serve the emulator until killed; prints its base URL on stdout.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// TCP port (0: any free port; the base URL printed says which).
    #[arg(long, value_name = "P", default_value_t = 0)]
    port: u16,
    /// Address to listen on. The emulator speaks plain HTTP: keep it on loopback.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: String,
    /// The emulated app's SDKAppID [env: TIM_SDKAPPID].
    #[arg(long, value_name = "N")]
    sdkappid: Option<u32>,
    /// The app admin account (the only identifier allowed to call).
    #[arg(long, value_name = "ID", default_value = tim_emulator::DEFAULT_ADMIN)]
    admin: String,
    #[command(flatten)]
    key: KeyArgs,
    /// Send callbacks (webhooks) to this http:// URL, as the service does when the console
    /// has a callback URL (try `tim webhook serve`).
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,
    /// Sign the callbacks with this token [env: TIM_CALLBACK_TOKEN].
    #[arg(long, value_name = "T", requires = "callback_url")]
    callback_token: Option<String>,
}

/// Runs `tim emulator ...`. Returns only on error.
pub fn run(args: Args) -> Result<(), CliError> {
    match args.command {
        EmulatorCommand::Serve(a) => serve(a),
    }
}

pub(crate) fn sdkappid(flag: Option<u32>) -> Result<u32, CliError> {
    let n = match flag {
        Some(n) => n,
        None => match std::env::var(SDKAPPID_ENV) {
            Ok(v) => v.trim().parse::<u32>().map_err(|_| {
                CliError::Usage(format!(
                    "{SDKAPPID_ENV}: must be an unsigned 32-bit integer, got {v:?}"
                ))
            })?,
            Err(_) => {
                return Err(CliError::Usage(format!(
                    "no SDKAppID: pass --sdkappid N or set {SDKAPPID_ENV}"
                )));
            }
        },
    };
    if n == 0 {
        return Err(CliError::Usage(
            "--sdkappid: must be non-zero, got 0".into(),
        ));
    }
    Ok(n)
}

fn serve(a: ServeArgs) -> Result<(), CliError> {
    let sdkappid = sdkappid(a.sdkappid)?;
    if a.admin.is_empty() {
        return Err(CliError::Usage(
            "--admin: must be a non-empty account, got \"\"".into(),
        ));
    }
    let key = a.key.load()?;
    let mut config = Config::new(sdkappid, key).admin(a.admin.clone());
    if let Some(url) = &a.callback_url {
        let mut callbacks = tim_emulator::CallbackConfig::new(url)
            .map_err(|e| CliError::Usage(format!("--callback-url: {e}")))?;
        let token = a
            .callback_token
            .clone()
            .or_else(|| std::env::var(crate::webhook::TOKEN_ENV).ok())
            .filter(|t| !t.is_empty());
        if let Some(token) = token {
            callbacks = callbacks.token(token);
        }
        config = config.callbacks(callbacks);
    }
    let addr = format!("{}:{}", a.bind, a.port);
    let emulator = Emulator::start_on(addr.as_str(), config)
        .map_err(|e| CliError::Failed(format!("cannot start the emulator on {addr}: {e}")))?;
    let url = emulator.base_url();
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{url}");
        let _ = stdout.flush();
    }
    eprintln!(
        "tim emulator: serving SDKAppID {sdkappid} (admin {:?}) at {url}; stop with Ctrl-C.\n\
         Point tim at it with: TIM_BASE_URL={url} TIM_SDKAPPID={sdkappid} and the same key (TIM_SECRET_KEY or --key-file)",
        a.admin
    );
    emulator.wait();
    Ok(())
}
