//! A bulk job (`tim_client::bulk`, `im_add_tag`) against the emulator at its real rate
//! limit (100 calls/s per endpoint), for 20,000 and 200,000 accounts: time, fraction of the
//! limit achieved, rejections seen by the emulator, and the job's peak memory.
//!
//! ```text
//! bulk [--accounts 20000,200000] [--workers 4]   run each size in its own process, print a
//!                                                table; the last line is a JSON object
//! bulk --job N --workers W                       one job (spawns its own emulator process)
//! bulk --emulator                                the emulator: prints its base URL, serves
//!                                                until stdin closes, then prints its counts
//! ```
//!
//! Each job runs in a fresh process, with the emulator in another one, so the peak resident
//! memory (`VmHWM`) is the job's own: the client, the bulk machinery and the lazily
//! generated accounts, and not the emulator's store of every tagged account.
//!
//! The fraction of the limit is `floor / elapsed`, where `floor` is the least time the
//! calls can take when at most 100 start in any one-second window
//! ([`tim_bench::window_floor`]: 200 calls, 1 s). A job that reached it would be at 100%.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use serde_json::{Value, json};
use tim_bench::{ADMIN, KEY, SDKAPPID, peak_rss_kib, window_floor};
use tim_client::all_member_push::UserTagsToAdd;
use tim_client::bulk::Bulk;
use tim_client::{Client, SecretKey, all_member_push};
use tim_emulator::{Config, Emulator};

const USAGE: &str =
    "usage: bulk [--accounts N[,N...]] [--workers W] | --job N --workers W | --emulator";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().is_some_and(|a| a == "--emulator") {
        emulator()
    } else if let Some(n) = value_of(&args, "--job") {
        parse_count("--job", n).and_then(|n| job(n, workers(&args)?))
    } else {
        plan(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bulk: {message}");
            ExitCode::FAILURE
        }
    }
}

fn value_of<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    Some(args.get(i + 1).map_or("", String::as_str))
}

fn parse_count(name: &str, value: &str) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{name}: expected a positive integer, got {value:?}; {USAGE}"
        )),
    }
}

fn workers(args: &[String]) -> Result<usize, String> {
    let max = tim_client::bulk::MAX_WORKERS;
    match value_of(args, "--workers") {
        None => Ok(4),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("--workers: expected 1 to {max}, got {v:?}")),
        },
    }
}

/// Serves until stdin closes, then prints the `im_add_tag` counts as one JSON line.
fn emulator() -> Result<(), String> {
    let emulator = Emulator::start(Config::new(SDKAPPID, SecretKey::new(KEY)).admin(ADMIN))
        .map_err(|e| format!("emulator: {e}"))?;
    println!("{}", emulator.base_url());
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut rest = Vec::new();
    std::io::stdin()
        .read_to_end(&mut rest)
        .map_err(|e| format!("stdin: {e}"))?;
    let state = emulator.state();
    let counts = state.call_counts().endpoint("im_add_tag");
    let accounts = state.accounts();
    let tagged = accounts
        .iter()
        .filter(|a| state.tags_of(a).iter().any(|t| t == "bench"))
        .count();
    println!(
        "{}",
        json!({
            "received": counts.received,
            "ok": counts.ok,
            "failed": counts.failed,
            "rate_limited": counts.rate_limited,
            "accounts_tagged": tagged,
        })
    );
    emulator.stop();
    Ok(())
}

/// Spawns this binary with `args`, stdout piped.
fn spawn_self(args: &[&str], stdin: Stdio) -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    Command::new(exe)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn {args:?}: {e}"))
}

fn read_line(out: &mut BufReader<ChildStdout>, what: &str) -> Result<String, String> {
    let mut line = String::new();
    out.read_line(&mut line)
        .map_err(|e| format!("{what}: {e}"))?;
    if line.trim().is_empty() {
        return Err(format!("{what}: no output"));
    }
    Ok(line.trim().to_owned())
}

/// One job of `accounts` accounts with `workers` workers against a fresh emulator process;
/// prints one JSON line.
fn job(accounts: u64, workers: usize) -> Result<(), String> {
    let mut emu = spawn_self(&["--emulator"], Stdio::piped())?;
    let mut emu_out = BufReader::new(emu.stdout.take().ok_or("emulator stdout")?);
    let base_url = read_line(&mut emu_out, "emulator base URL")?;

    let client = Client::builder(SDKAPPID)
        .secret_key(SecretKey::new(KEY))
        .admin(ADMIN)
        .base_url(base_url)
        .allow_insecure_http(true)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let rss_before = peak_rss_kib();
    let items = (0..accounts).map(|i| UserTagsToAdd::new(format!("user{i:07}"), ["bench"]));
    let limit = all_member_push::ADD_TAG
        .rate_limit
        .per_second
        .unwrap_or(100);
    let started = Instant::now();
    // When the calls of the first window (`limit` calls) had all been answered.
    let first_window = Mutex::new(None);
    let report = Bulk::new(&client)
        .workers(workers)
        .on_progress(|p| {
            if p.requests >= u64::from(limit) {
                let mut at = first_window.lock().unwrap_or_else(PoisonError::into_inner);
                at.get_or_insert_with(|| started.elapsed());
            }
        })
        .all_member_push()
        .add_tag(items)
        .map_err(|e| format!("bulk: {e}"))?;
    let elapsed = started.elapsed();
    let peak = peak_rss_kib();

    // Closing stdin asks the emulator for its counts.
    drop(emu.stdin.take());
    let counts: Value = serde_json::from_str(&read_line(&mut emu_out, "emulator counts")?)
        .map_err(|e| format!("emulator counts: {e}"))?;
    emu.wait().map_err(|e| format!("emulator: {e}"))?;

    let first_window = first_window
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .unwrap_or(elapsed);
    let floor = window_floor(report.requests, limit);
    println!(
        "{}",
        json!({
            "accounts": accounts,
            "workers": workers,
            "requests": report.requests,
            "succeeded": report.succeeded,
            "failed": report.failed.len(),
            "retries": report.retries,
            "elapsed_s": elapsed.as_secs_f64(),
            "limit_per_s": limit,
            "floor_s": floor.as_secs_f64(),
            "fraction_of_limit": floor.as_secs_f64() / elapsed.as_secs_f64(),
            "first_window_done_s": first_window.as_secs_f64(),
            "fraction_after_first_window": floor.as_secs_f64() / (elapsed - first_window).as_secs_f64(),
            "calls_per_s": report.requests as f64 / elapsed.as_secs_f64(),
            "rss_before_job_kib": rss_before,
            "peak_rss_kib": peak,
            "emulator": counts,
        })
    );
    Ok(())
}

/// Runs one job process per size and prints the table and a JSON summary.
fn plan(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args
        .iter()
        .step_by(2)
        .find(|a| *a != "--accounts" && *a != "--workers")
    {
        return Err(format!("unknown argument {unknown:?}; {USAGE}"));
    }
    let sizes = value_of(args, "--accounts")
        .unwrap_or("20000,200000")
        .split(',')
        .map(|s| parse_count("--accounts", s))
        .collect::<Result<Vec<_>, _>>()?;
    let workers = workers(args)?;
    let mut results = Vec::new();
    for n in sizes {
        eprintln!("bulk: {n} accounts, {workers} workers...");
        let mut child = spawn_self(
            &["--job", &n.to_string(), "--workers", &workers.to_string()],
            Stdio::null(),
        )?;
        let mut out = BufReader::new(child.stdout.take().ok_or("job stdout")?);
        let line = read_line(&mut out, "job result")?;
        let status = child.wait().map_err(|e| format!("job: {e}"))?;
        if !status.success() {
            return Err(format!("the job of {n} accounts failed: {status}"));
        }
        results.push(serde_json::from_str::<Value>(&line).map_err(|e| format!("job: {e}"))?);
    }
    println!(
        "| accounts | calls | elapsed | floor | fraction of limit | first window done | fraction after them | rejected | failed | peak RSS |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &results {
        println!(
            "| {} | {} | {:.3} s | {:.0} s | {:.1}% | {:.0} ms | {:.1}% | {} | {} | {:.1} MiB |",
            r["accounts"],
            r["requests"],
            r["elapsed_s"].as_f64().unwrap_or(f64::NAN),
            r["floor_s"].as_f64().unwrap_or(f64::NAN),
            100.0 * r["fraction_of_limit"].as_f64().unwrap_or(f64::NAN),
            1000.0 * r["first_window_done_s"].as_f64().unwrap_or(f64::NAN),
            100.0
                * r["fraction_after_first_window"]
                    .as_f64()
                    .unwrap_or(f64::NAN),
            r["emulator"]["rate_limited"],
            r["failed"],
            r["peak_rss_kib"].as_f64().unwrap_or(f64::NAN) / 1024.0,
        );
    }
    let peaks: Vec<f64> = results
        .iter()
        .filter_map(|r| r["peak_rss_kib"].as_f64())
        .collect();
    let memory_ratio = match (peaks.first(), peaks.last()) {
        (Some(first), Some(last)) if peaks.len() > 1 && *first > 0.0 => Some(last / first),
        _ => None,
    };
    println!(
        "{}",
        json!({ "workers": workers, "jobs": results, "peak_rss_ratio_last_to_first": memory_ratio })
    );
    Ok(())
}
