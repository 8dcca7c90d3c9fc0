//! `tim usersig` driven as a process: output, exit codes (0 ok, 1 failed, 2 usage) and
//! key handling.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use tim_usersig::{SecretKey, Signer, decode};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP: &str = "1400000000";

fn tim(args: &[&str], key_env: Option<&str>, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tim"));
    cmd.args(args).env_remove("TIM_SECRET_KEY");
    if let Some(k) = key_env {
        cmd.env("TIM_SECRET_KEY", k);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run tim");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(pipe);
    let out = child.wait_with_output().expect("wait for tim");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(KEY), "key leaked: {all}");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn gen_sig(extra: &[&str]) -> String {
    let mut args = vec!["usersig", "gen", "--sdkappid", APP, "--identifier", "alice"];
    args.extend_from_slice(extra);
    let o = tim(&args, Some(KEY), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert_eq!(s.lines().count(), 1, "the UserSig alone: {s:?}");
    s.trim_end().to_owned()
}

#[test]
fn gen_prints_only_a_usersig_matching_the_library() {
    let sig = gen_sig(&["--time", "1700000000", "--expire", "100"]);
    let doc = decode(&sig).unwrap();
    let lib = Signer::new(1_400_000_000, SecretKey::new(KEY))
        .generate_at("alice", 100, 1_700_000_000, None)
        .unwrap();
    assert_eq!(doc, decode(lib.as_str()).unwrap());
}

#[test]
fn gen_defaults_to_now_and_180_days() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let doc = decode(&gen_sig(&[])).unwrap();
    assert!(doc.time >= before && doc.time <= before + 60);
    assert_eq!(doc.expire, 180 * 86_400);
}

#[test]
fn key_sources_file_flag_and_env() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("tim-cli-usersig-key.txt");
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let base = [
        "usersig",
        "gen",
        "--sdkappid",
        APP,
        "--identifier",
        "a",
        "--time",
        "1700000000",
    ];
    let from_env = tim(&base, Some(KEY), None);
    let from_file = tim(&[&base[..], &["--key-file", path]].concat(), None, None);
    let from_flag = tim(&[&base[..], &["--key", KEY]].concat(), None, None);
    assert_eq!(from_env.status.code(), Some(0));
    assert_eq!(
        stdout(&from_env),
        stdout(&from_file),
        "file content is trimmed"
    );
    assert_eq!(stdout(&from_env), stdout(&from_flag));
    // --key-file wins over the environment.
    let other = tim(
        &[&base[..], &["--key-file", path]].concat(),
        Some("other"),
        None,
    );
    assert_eq!(stdout(&other), stdout(&from_env));

    let none = tim(&base, None, None);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("TIM_SECRET_KEY"),
        "{}",
        stderr(&none)
    );
    let missing = tim(
        &[&base[..], &["--key-file", "/nonexistent/key"]].concat(),
        None,
        None,
    );
    // A configuration error: exit 2, as the README says, before anything is sent.
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read key file"));
    std::fs::write(&file, "  \n").unwrap();
    let empty = tim(&[&base[..], &["--key-file", path]].concat(), None, None);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("empty"));
    let both = tim(
        &[&base[..], &["--key-file", path, "--key", "k"]].concat(),
        None,
        None,
    );
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn verify_valid_prints_fields_and_invalid_exits_1_with_reason() {
    let sig = gen_sig(&[
        "--time",
        "1700000000",
        "--expire",
        "100",
        "--userbuf-hex",
        "00ff",
    ]);
    let ok = tim(
        &[
            "usersig",
            "verify",
            "--sdkappid",
            APP,
            "--identifier",
            "alice",
            "--now",
            "1700000100",
            "--userbuf-hex",
            "00FF",
            &sig,
        ],
        Some(KEY),
        None,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let out = stdout(&ok);
    for line in [
        "valid",
        "identifier: alice",
        "sdkappid: 1400000000",
        "time: 1700000000",
        "expire: 100",
        "expires_at: 1700000100",
        "userbuf: 00ff",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} in {out}");
    }
    let cases: [(&[&str], Option<&str>, &str); 6] = [
        (
            &[
                "--identifier",
                "alice",
                "--now",
                "1700000101",
                "--userbuf-hex",
                "00ff",
            ],
            Some(KEY),
            "expired at 1700000100",
        ),
        (
            &[
                "--identifier",
                "bob",
                "--now",
                "1700000000",
                "--userbuf-hex",
                "00ff",
            ],
            Some(KEY),
            "identifier",
        ),
        (
            &["--identifier", "alice", "--now", "1700000000"],
            Some(KEY),
            "none was expected",
        ),
        (
            &[
                "--identifier",
                "alice",
                "--now",
                "1700000000",
                "--userbuf-hex",
                "01",
            ],
            Some(KEY),
            "differs",
        ),
        (
            &[
                "--identifier",
                "alice",
                "--now",
                "1700000000",
                "--userbuf-hex",
                "00ff",
            ],
            Some("wrong"),
            "signature does not match",
        ),
        (
            &[
                "--identifier",
                "alice",
                "--now",
                "1700000000",
                "--userbuf-hex",
                "00ff",
                "--sdkappid",
                "1400000001",
            ],
            Some(KEY),
            "sdkappid",
        ),
    ];
    for (extra, key, reason) in cases {
        let mut args = vec!["usersig", "verify"];
        if !extra.contains(&"--sdkappid") {
            args.extend(["--sdkappid", APP]);
        }
        args.extend_from_slice(extra);
        args.push(&sig);
        let o = tim(&args, key, None);
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        assert!(stderr(&o).contains(reason), "{extra:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains(&sig), "UserSig leaked into the error");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn verify_reads_stdin_and_accepts_an_official_python_usersig() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../tim-usersig/tests/vectors/python.json")).unwrap();
    let v = &vectors["vectors"][1];
    assert_eq!(v["name"], "admin_one_day");
    let now = v["time"].as_u64().unwrap().to_string();
    let o = tim(
        &[
            "usersig",
            "verify",
            "--sdkappid",
            APP,
            "--identifier",
            "administrator",
            "--now",
            &now,
            "-",
        ],
        Some(KEY),
        Some(&format!("{}\n", v["usersig"].as_str().unwrap())),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("userbuf: none"));
}

#[test]
fn verify_shows_private_map_key_fields() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../tim-usersig/tests/vectors/node.json")).unwrap();
    let v = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "pmk_string_room")
        .unwrap();
    let now = v["time"].as_u64().unwrap().to_string();
    let o = tim(
        &[
            "usersig",
            "verify",
            "--sdkappid",
            APP,
            "--identifier",
            "xiaojun",
            "--now",
            &now,
            "--userbuf-hex",
            v["userbuf_hex"].as_str().unwrap(),
            v["usersig"].as_str().unwrap(),
        ],
        Some(KEY),
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("private_map_key: room \"room-abc_123\", privileges 255"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn decode_prints_the_issuers_json_without_a_key() {
    let sig = gen_sig(&["--time", "1700000000", "--expire", "100"]);
    let o = tim(&["usersig", "decode", &sig], None, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert_eq!(v["TLS.identifier"], "alice");
    assert_eq!(v["TLS.time"], 1_700_000_000);
    let bad = tim(&["usersig", "decode", "not*a*usersig"], None, None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("cannot decode"), "{}", stderr(&bad));
    let empty = tim(&["usersig", "decode", "-"], None, Some(""));
    assert_eq!(empty.status.code(), Some(1));
    assert!(stderr(&empty).contains("empty"));
}

#[test]
fn empty_userbuf_is_not_none() {
    let sig = gen_sig(&["--time", "1700000000", "--userbuf-hex", ""]);
    let base = [
        "usersig",
        "verify",
        "--sdkappid",
        APP,
        "--identifier",
        "alice",
        "--now",
        "1700000000",
    ];
    let with_empty = tim(
        &[&base[..], &["--userbuf-hex", "", &sig]].concat(),
        Some(KEY),
        None,
    );
    assert_eq!(with_empty.status.code(), Some(0), "{}", stderr(&with_empty));
    assert!(stdout(&with_empty).contains("userbuf: \n"));
    let without = tim(&[&base[..], &[sig.as_str()]].concat(), Some(KEY), None);
    assert_eq!(without.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2_and_sign_errors_exit_1() {
    for args in [
        &["usersig", "gen", "--identifier", "a"][..],
        &[
            "usersig",
            "gen",
            "--sdkappid",
            "4294967296",
            "--identifier",
            "a",
        ],
        &[
            "usersig",
            "gen",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--userbuf-hex",
            "abc",
        ],
        &[
            "usersig",
            "gen",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--userbuf-hex",
            "zz",
        ],
        &["usersig", "verify", "--sdkappid", APP, "--identifier", "a"],
        &["usersig", "frobnicate"],
        &[],
    ] {
        let o = tim(args, Some(KEY), None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let long = "x".repeat(33);
    let o = tim(
        &["usersig", "gen", "--sdkappid", APP, "--identifier", &long],
        Some(KEY),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("identifier is 33 bytes long, the limit is 32 bytes"),
        "{}",
        stderr(&o)
    );
    let o = tim(
        &[
            "usersig",
            "gen",
            "--sdkappid",
            APP,
            "--identifier",
            "a",
            "--time",
            "4294967296",
        ],
        Some(KEY),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("4294967296"));
    let help = tim(&["usersig", "gen", "--help"], None, None);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("UNSAFE on shared machines"));
}
