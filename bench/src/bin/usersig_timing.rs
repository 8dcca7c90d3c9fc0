//! Times our UserSig generation and verification (minimum of repeats, ns/op) and checks
//! UserSigs made elsewhere. Used by `bench/compare.sh`, which times the official packages in
//! the same run.
//!
//! ```text
//! usersig_timing [--iters N] [--repeats R]   timings; the last line is a JSON object
//! usersig_timing gen [IDENTIFIER]            prints one of our UserSigs (valid 180 days)
//! usersig_timing verify                      verifies `label<TAB>identifier<TAB>usersig`
//!                                            lines from stdin at the current time
//! usersig_timing profile CASE [N]            runs CASE N times (default 10000), untimed,
//!                                            for `valgrind --tool=callgrind`; CASE is
//!                                            gen, verify-own, verify-python or verify-npm
//! ```
//!
//! Every UserSig uses the bench inputs: sdkappid 1400000000, the official README's sample
//! key, identifier `administrator`, 180 days.

use std::hint::black_box;
use std::io::BufRead as _;
use std::process::ExitCode;

use tim_bench::{ADMIN, EXPIRE_SECS, KEY, Official, SDKAPPID, min_ns_per_op, official_vector};
use tim_usersig::{SecretKey, Signer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let signer = Signer::new(SDKAPPID, SecretKey::new(KEY));
    let result = match args.first().map(String::as_str) {
        Some("gen") => generate(&signer, args.get(1).map_or(ADMIN, String::as_str)),
        Some("verify") => verify(&signer),
        Some("profile") => profile(&signer, &args[1..]),
        _ => timings(&signer, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("usersig_timing: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(signer: &Signer, identifier: &str) -> Result<(), String> {
    let sig = signer
        .generate(identifier, EXPIRE_SECS)
        .map_err(|e| format!("identifier {identifier:?}: {e}"))?;
    println!("{}", sig.as_str());
    Ok(())
}

/// Verifies each `label<TAB>identifier<TAB>usersig` line; fails if any does not verify.
fn verify(signer: &Signer) -> Result<(), String> {
    let mut failed = 0;
    let mut checked = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(label), Some(identifier), Some(usersig)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "stdin line {}: expected label<TAB>identifier<TAB>usersig",
                checked + failed + 1
            ));
        };
        match signer.verify_now(usersig.trim(), identifier, None) {
            Ok(doc) => {
                checked += 1;
                println!(
                    "{label}: valid (identifier {:?}, time {}, expire {}, {} chars)",
                    doc.identifier,
                    doc.time,
                    doc.expire,
                    usersig.trim().len()
                );
            }
            Err(e) => {
                failed += 1;
                println!("{label}: INVALID: {e}");
            }
        }
    }
    match (checked, failed) {
        (0, 0) => Err("no UserSig on stdin".to_owned()),
        (_, 0) => Ok(()),
        _ => Err(format!("{failed} UserSig(s) did not verify")),
    }
}

/// Runs one case `n` times with no timing, so that an instruction counter (callgrind) sees
/// that case alone apart from the fixed start-up cost.
fn profile(signer: &Signer, args: &[String]) -> Result<(), String> {
    let case = args.first().map_or("", String::as_str);
    let n: u64 = match args.get(1) {
        None => 10_000,
        Some(v) => v
            .parse()
            .map_err(|_| format!("profile: expected a count, got {v:?}"))?,
    };
    let official = |which| {
        official_vector(which, "admin_one_day")
            .ok_or(format!("{which:?} vector admin_one_day is not committed"))
    };
    let (usersig, time) = match case {
        "gen" => {
            for _ in 0..n {
                black_box(signer.generate(black_box(ADMIN), black_box(EXPIRE_SECS))).ok();
            }
            return Ok(());
        }
        "verify-own" => {
            let sig = signer
                .generate_at(ADMIN, EXPIRE_SECS, 1_700_000_000, None)
                .map_err(|e| e.to_string())?;
            (sig.into_string(), 1_700_000_000)
        }
        "verify-python" => {
            let v = official(Official::Python)?;
            (v.usersig, v.time)
        }
        "verify-npm" => {
            let v = official(Official::Node)?;
            (v.usersig, v.time)
        }
        other => {
            return Err(format!(
                "profile: unknown case {other:?}; expected gen, verify-own, verify-python or verify-npm"
            ));
        }
    };
    signer
        .verify(&usersig, ADMIN, None, time)
        .map_err(|e| format!("profile {case}: {e}"))?;
    for _ in 0..n {
        black_box(signer.verify(black_box(&usersig), ADMIN, None, time)).ok();
    }
    Ok(())
}

fn flag(args: &[String], name: &str, default: u64) -> Result<u64, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => {
            let value = args.get(i + 1).ok_or(format!("{name}: missing value"))?;
            value
                .parse()
                .map_err(|_| format!("{name}: expected a positive integer, got {value:?}"))
        }
    }
}

fn timings(signer: &Signer, args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args
        .iter()
        .enumerate()
        .find(|(i, a)| i % 2 == 0 && *a != "--iters" && *a != "--repeats")
    {
        return Err(format!(
            "unknown argument {:?}; usage: usersig_timing [--iters N] [--repeats R] | gen [IDENTIFIER] | verify",
            unknown.1
        ));
    }
    let iters = flag(args, "--iters", 200_000)?;
    let repeats = u32::try_from(flag(args, "--repeats", 5)?)
        .map_err(|_| "--repeats: at most 4294967295".to_owned())?;

    let gen_ns = min_ns_per_op(iters, repeats, || {
        black_box(signer.generate(black_box(ADMIN), black_box(EXPIRE_SECS))).ok();
    });

    let ours = signer
        .generate(ADMIN, EXPIRE_SECS)
        .map_err(|e| e.to_string())?
        .into_string();
    let verify_own_ns = min_ns_per_op(iters / 2, repeats, || {
        black_box(signer.verify_now(black_box(&ours), ADMIN, None)).ok();
    });

    let mut official = Vec::new();
    for which in [Official::Python, Official::Node] {
        let v = official_vector(which, "admin_one_day")
            .ok_or(format!("{which:?} vector admin_one_day is not committed"))?;
        signer
            .verify(&v.usersig, &v.identifier, None, v.time)
            .map_err(|e| format!("{which:?} admin_one_day: {e}"))?;
        let ns = min_ns_per_op(iters / 2, repeats, || {
            black_box(signer.verify(black_box(&v.usersig), ADMIN, None, v.time)).ok();
        });
        official.push(ns);
    }

    println!(
        "ours: generate {gen_ns:.0} ns/op (stored zlib, {} chars)",
        ours.len()
    );
    println!("ours: verify own UserSig {verify_own_ns:.0} ns/op");
    println!(
        "ours: verify official Python UserSig (zlib level 6) {:.0} ns/op",
        official[0]
    );
    println!(
        "ours: verify official npm UserSig (zlib level 6) {:.0} ns/op",
        official[1]
    );
    println!(
        "{{\"gen_ns\":{gen_ns:.1},\"verify_own_ns\":{verify_own_ns:.1},\"verify_python_ns\":{:.1},\"verify_node_ns\":{:.1},\"iters\":{iters},\"repeats\":{repeats}}}",
        official[0], official[1]
    );
    Ok(())
}
