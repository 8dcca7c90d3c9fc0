//! `tim usersig`: generate (`gen`), verify and decode UserSigs with `tim-usersig`.

use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use tim_usersig::{DEFAULT_EXPIRE_SECS, Document, PrivateMapKey, RoomId, Signer};

use crate::error::CliError;
use crate::keysrc::KeyArgs;

/// `tim usersig` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: UsersigCommand,
}

#[derive(Debug, Subcommand)]
enum UsersigCommand {
    /// Generate a UserSig and print it alone on stdout.
    Gen(GenArgs),
    /// Verify a UserSig: exit 0 and print its fields if valid, exit 1 with the reason if not.
    Verify(VerifyArgs),
    /// Print the JSON document inside a UserSig, as its issuer wrote it (no key needed).
    Decode(DecodeArgs),
}

#[derive(Debug, clap::Args)]
struct GenArgs {
    /// Application id (SDKAppID).
    #[arg(long, value_name = "N")]
    sdkappid: u32,
    /// The UserID to issue the UserSig for (1 to 32 bytes).
    #[arg(long, value_name = "ID")]
    identifier: String,
    /// Validity in seconds (default: 180 days).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_EXPIRE_SECS)]
    expire: u64,
    /// Issue time, Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    time: Option<u64>,
    /// Userbuf as hex; "" is an empty userbuf, which differs from none.
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    userbuf_hex: Option<Hex>,
    #[command(flatten)]
    key: KeyArgs,
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// Expected application id.
    #[arg(long, value_name = "N")]
    sdkappid: u32,
    /// Expected UserID.
    #[arg(long, value_name = "ID")]
    identifier: String,
    /// Check at this Unix time (default: now).
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    /// Expected userbuf as hex ("" for an empty one); without it the UserSig must have none.
    #[arg(long, value_name = "HEX", value_parser = parse_hex)]
    userbuf_hex: Option<Hex>,
    #[command(flatten)]
    key: KeyArgs,
    /// The UserSig, or "-" to read it from stdin (keeps it out of the process list).
    #[arg(value_name = "USERSIG")]
    usersig: String,
}

#[derive(Debug, clap::Args)]
struct DecodeArgs {
    /// The UserSig, or "-" to read it from stdin.
    #[arg(value_name = "USERSIG")]
    usersig: String,
}

/// Runs `tim usersig ...`.
pub fn run(args: Args) -> Result<(), CliError> {
    match args.command {
        UsersigCommand::Gen(a) => generate(a),
        UsersigCommand::Verify(a) => verify(a),
        UsersigCommand::Decode(a) => decode(a),
    }
}

fn generate(a: GenArgs) -> Result<(), CliError> {
    let signer = Signer::new(a.sdkappid, a.key.load()?);
    let time = match a.time {
        Some(t) => t,
        None => now()?,
    };
    let sig = signer
        .generate_at(
            &a.identifier,
            a.expire,
            time,
            a.userbuf_hex.as_ref().map(|h| h.0.as_slice()),
        )
        .map_err(|e| CliError::Failed(format!("cannot generate a UserSig: {e}")))?;
    println!("{}", sig.as_str());
    Ok(())
}

fn verify(a: VerifyArgs) -> Result<(), CliError> {
    let usersig = read_usersig(&a.usersig)?;
    let signer = Signer::new(a.sdkappid, a.key.load()?);
    let now = match a.now {
        Some(t) => t,
        None => now()?,
    };
    let doc = signer
        .verify(
            &usersig,
            &a.identifier,
            a.userbuf_hex.as_ref().map(|h| h.0.as_slice()),
            now,
        )
        .map_err(|e| CliError::Failed(format!("UserSig is not valid: {e}")))?;
    print!("{}", describe(&doc));
    Ok(())
}

fn decode(a: DecodeArgs) -> Result<(), CliError> {
    let usersig = read_usersig(&a.usersig)?;
    let json = tim_usersig::decode_json(&usersig)
        .map_err(|e| CliError::Failed(format!("cannot decode the UserSig: {e}")))?;
    println!("{}", json.trim_end());
    Ok(())
}

/// The fields `verify` prints, one `name: value` per line.
fn describe(doc: &Document) -> String {
    let mut out = format!(
        "valid\nversion: {}\nidentifier: {}\nsdkappid: {}\ntime: {}\nexpire: {}\nexpires_at: {}\n",
        doc.version,
        doc.identifier,
        doc.sdkappid,
        doc.time,
        doc.expire,
        doc.expires_at()
    );
    match &doc.userbuf {
        None => out.push_str("userbuf: none\n"),
        Some(ub) => {
            out.push_str(&format!("userbuf: {}\n", to_hex(ub)));
            if let Ok(pmk) = PrivateMapKey::parse(ub) {
                let room = match &pmk.room {
                    RoomId::Numeric(n) => n.to_string(),
                    RoomId::Str(s) => format!("{s:?}"),
                };
                out.push_str(&format!(
                    "private_map_key: room {room}, privileges {} {:?}, expires_at {}\n",
                    pmk.privileges.bits(),
                    pmk.privileges,
                    pmk.expires_at
                ));
            }
        }
    }
    out
}

fn read_usersig(arg: &str) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| CliError::Failed(format!("cannot read the UserSig from stdin: {e}")))?;
    Ok(s.trim().to_owned())
}

fn now() -> Result<u64, CliError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| CliError::Failed("the system clock is before 1970-01-01".into()))
}

/// Bytes given as hex on the command line (a newtype so clap takes one value, not a list).
#[derive(Debug, Clone)]
struct Hex(Vec<u8>);

fn parse_hex(s: &str) -> Result<Hex, String> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return Err(format!(
            "hex must have an even number of digits, got {}",
            s.len()
        ));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("invalid hex digits at offset {i}"))
        })
        .collect::<Result<Vec<u8>, String>>()
        .map(Hex)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
