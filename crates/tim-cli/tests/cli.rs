//! The `tim` binary driven as a process against an emulator started in the test process:
//! every command group, `--json` output, exit codes (0 ok, 1 failed, 2 usage, 3 transport),
//! error advice, bulk commands from files of 250+ accounts, `tim emulator serve`, `tim demo`,
//! and that the key never appears in any output.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tim_emulator::{Config, Emulator, Fault, FaultRule};
use tim_usersig::SecretKey;

const KEY: &str = "7f3c1a9e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";
const OTHER_KEY: &str = "0000111122223333444455556666777788889999aaaabbbbccccddddeeeeffff";
const APP: u32 = 1_400_000_123;

fn emulator() -> Emulator {
    Emulator::start(Config::new(APP, SecretKey::new(KEY))).expect("start the emulator")
}

/// Runs `tim` with a clean TIM_* environment plus `env`, and checks no key leaked.
fn tim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tim"));
    cmd.args(args);
    for var in [
        "TIM_SDKAPPID",
        "TIM_SECRET_KEY",
        "TIM_ADMIN",
        "TIM_REGION",
        "TIM_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .expect("run the tim binary");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    for key in [KEY, OTHER_KEY] {
        assert!(!all.contains(key), "the key leaked into the output: {all}");
    }
    assert!(
        !all.contains("usersig="),
        "a UserSig leaked into the output: {all}"
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("utf-8 output")
}

/// Runs `tim` configured for `emu` through the environment.
fn tim(emu: &Emulator, args: &[&str]) -> Output {
    let url = emu.base_url();
    let app = APP.to_string();
    tim_env(
        args,
        &[
            ("TIM_BASE_URL", url.as_str()),
            ("TIM_SDKAPPID", app.as_str()),
            ("TIM_SECRET_KEY", KEY),
        ],
    )
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn ok(o: &Output) -> String {
    assert_eq!(
        code(o),
        0,
        "stdout: {}\nstderr: {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(&o.stdout)))
}

fn accounts_file(name: &str, n: usize) -> (PathBuf, Vec<String>) {
    let accounts: Vec<String> = (0..n).map(|i| format!("{name}-{i:04}")).collect();
    // Blank lines and surrounding whitespace are ignored.
    let mut body = String::from("\n");
    for (i, a) in accounts.iter().enumerate() {
        if i % 50 == 0 {
            body.push_str("   \n");
        }
        body.push_str(&format!("  {a}\t\n"));
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("tim-cli-{name}.txt"));
    std::fs::write(&path, body).expect("write the accounts file");
    (path, accounts)
}

#[test]
fn tags_add_get_remove_clear() {
    let emu = emulator();
    let out = ok(&tim(
        &emu,
        &[
            "tags", "add", "--tag", "vip", "--tag", "beta", "alice", "bob",
        ],
    ));
    assert!(out.contains("added tags vip, beta to 2 accounts"), "{out}");
    assert!(out.contains("2 of 2 accounts succeeded, 0 failed"), "{out}");
    assert_eq!(emu.state().tags_of("alice"), ["vip", "beta"]);

    let out = ok(&tim(&emu, &["tags", "get", "alice", "carol"]));
    assert!(out.contains("alice: vip, beta\n"), "{out}");
    assert!(out.contains("carol: (no tags)\n"), "{out}");

    let o = tim(&emu, &["tags", "get", "alice", "bob", "--json"]);
    ok(&o);
    let v = json(&o);
    assert_eq!(v["ok"], true);
    assert_eq!(v["succeeded"], 2);
    assert_eq!(v["results"][0]["To_Account"], "alice");
    assert_eq!(v["results"][1]["Tags"], serde_json::json!(["vip", "beta"]));

    ok(&tim(&emu, &["tags", "remove", "--tag", "vip", "alice"]));
    assert_eq!(emu.state().tags_of("alice"), ["beta"]);
    ok(&tim(&emu, &["tags", "clear", "alice", "bob"]));
    assert!(emu.state().tags_of("alice").is_empty());
    assert!(emu.state().tags_of("bob").is_empty());
}

#[test]
fn bulk_from_file_over_several_batches() {
    let emu = emulator();
    let (path, accounts) = accounts_file("bulk", 260);
    let file = path.to_str().unwrap();

    let out = ok(&tim(
        &emu,
        &[
            "tags",
            "add",
            "--tag",
            "t1",
            "--tag",
            "t2",
            "--from-file",
            file,
        ],
    ));
    assert!(
        out.contains("260 of 260 accounts succeeded, 0 failed"),
        "{out}"
    );
    assert_eq!(
        emu.state().call_counts().endpoint("im_add_tag").received,
        3,
        "260 accounts take three calls of at most 100"
    );
    for a in &accounts {
        assert_eq!(emu.state().tags_of(a), ["t1", "t2"], "{a}");
    }

    let o = tim(&emu, &["tags", "get", "--from-file", file, "--json"]);
    ok(&o);
    let v = json(&o);
    assert_eq!(v["succeeded"], 260);
    assert_eq!(v["failed"], 0);
    let results = v["results"].as_array().unwrap();
    // Results stream in the order the batches are answered (memory stays flat): every
    // account once, not necessarily in input order.
    let mut got: Vec<&str> = results
        .iter()
        .map(|u| u["To_Account"].as_str().unwrap())
        .collect();
    got.sort_unstable();
    let mut want: Vec<&str> = accounts.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want, "every account once");

    let out = ok(&tim(&emu, &["tags", "get", "--from-file", file]));
    assert_eq!(out.lines().filter(|l| l.ends_with(": t1, t2")).count(), 260);

    ok(&tim(&emu, &["tags", "clear", "--from-file", file]));
    assert!(accounts.iter().all(|a| emu.state().tags_of(a).is_empty()));
}

#[test]
fn bulk_failure_reports_the_accounts_and_exits_1() {
    let emu = emulator();
    // Two batches of 100, sent by concurrent workers: the first call to arrive is refused, so
    // its 100 accounts fail and the other batch succeeds, whichever it is.
    let (path, accounts) = accounts_file("partial", 200);
    emu.faults()
        .inject(FaultRule::new(Fault::Code(90009)).only("im_add_tag"));
    let o = tim(
        &emu,
        &[
            "tags",
            "add",
            "--tag",
            "x",
            "--from-file",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("100 of 200 accounts succeeded, 100 failed"),
        "{out}"
    );
    assert!(out.contains("failed: 100 accounts"), "{out}");
    assert!(out.contains("90009"), "{out}");
    assert!(out.contains("--admin or TIM_ADMIN"), "advice: {out}");
    assert!(text(&o.stderr).contains("100 of 200 accounts failed"));
    let tagged = accounts
        .iter()
        .filter(|a| !emu.state().tags_of(a).is_empty())
        .count();
    assert_eq!(tagged, 100);
}

#[test]
fn attr_names_and_attrs() {
    let emu = emulator();
    let out = ok(&tim(&emu, &["attr-names", "set", "0=city", "1=plan"]));
    assert!(out.contains("0=city, 1=plan"), "{out}");
    let o = tim(&emu, &["attr-names", "get", "--json"]);
    ok(&o);
    assert_eq!(json(&o)["attr_names"]["1"], "plan");

    ok(&tim(
        &emu,
        &[
            "attrs",
            "set",
            "--attr",
            "city=Shenzhen",
            "--attr",
            "plan=pro",
            "alice",
        ],
    ));
    assert_eq!(emu.state().attrs_of("alice")["city"], "Shenzhen");
    let out = ok(&tim(&emu, &["attrs", "get", "alice", "bob"]));
    assert!(out.contains("alice: city=Shenzhen, plan=pro"), "{out}");
    assert!(out.contains("bob: (no attributes)"), "{out}");
    ok(&tim(&emu, &["attrs", "remove", "--attr", "city", "alice"]));
    assert!(!emu.state().attrs_of("alice").contains_key("city"));

    // An unregistered name: the service refuses it; the advice says to register it.
    let o = tim(&emu, &["attrs", "set", "--attr", "color=red", "alice"]);
    assert_eq!(code(&o), 1);
    assert!(text(&o.stdout).contains("90033"), "{}", text(&o.stdout));

    // A bad slot is a usage error naming the field, before anything is sent.
    let o = tim(&emu, &["attr-names", "set", "12=x"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("AttrNames"), "{}", text(&o.stderr));
}

#[test]
fn push_by_tag_attrs_and_limits() {
    let emu = emulator();
    ok(&tim(&emu, &["tags", "add", "--tag", "vip", "alice", "bob"]));
    ok(&tim(&emu, &["tags", "add", "--tag", "other", "carol"]));
    let o = tim(
        &emu,
        &[
            "push",
            "--text",
            "hello",
            "--tags-or",
            "vip",
            "--msg-random",
            "4242",
            "--lifetime",
            "60",
            "--json",
        ],
    );
    ok(&o);
    let v = json(&o);
    assert_eq!(v["msg_random"], 4242);
    let task = v["task_id"].as_str().unwrap().to_owned();
    let pushes = emu.state().pushes();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].task_id, task);
    assert_eq!(pushes[0].recipients, ["alice", "bob"]);
    assert_eq!(pushes[0].msg_lifetime, 60);
    assert_eq!(
        pushes[0].request["MsgBody"][0]["MsgContent"]["Text"],
        "hello"
    );

    // Over 7 days: refused before sending, naming the field and the limit.
    let o = tim(&emu, &["push", "--text", "x", "--lifetime", "700000"]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("MsgLifeTime"),
        "{}",
        text(&o.stderr)
    );
    // Tag and attribute conditions are exclusive.
    let o = tim(
        &emu,
        &[
            "push",
            "--text",
            "x",
            "--tags-or",
            "a",
            "--attrs-or",
            "city=x",
        ],
    );
    assert_eq!(code(&o), 2);
    assert_eq!(emu.state().pushes().len(), 1, "nothing else was pushed");
}

#[test]
fn call_lists_and_calls_spec_endpoints() {
    let emu = emulator();
    let out = ok(&tim_env(&["call", "--list"], &[]));
    for e in tim_client::endpoints::ALL {
        assert!(
            out.contains(&format!("{}/{}", e.service, e.command)),
            "{out}"
        );
        assert!(out.contains(e.title), "{out}");
    }
    let help = ok(&tim_env(&["call", "--help"], &[]));
    assert!(
        help.contains("all_member_push/im_remove_all_tags"),
        "{help}"
    );
    let o = tim_env(&["call", "--list", "--json"], &[]);
    ok(&o);
    assert_eq!(
        json(&o).as_array().unwrap().len(),
        tim_client::endpoints::ALL.len()
    );

    ok(&tim(&emu, &["tags", "add", "--tag", "z", "dave"]));
    let o = tim(
        &emu,
        &[
            "call",
            "all_member_push/im_get_tag",
            r#"{"To_Account":["dave"]}"#,
            "--json",
        ],
    );
    ok(&o);
    assert_eq!(json(&o)["UserTags"][0]["Tags"][0], "z");
    let o = tim(&emu, &["call", "im_get_attr_name"]);
    assert_eq!(json(&o)["ActionStatus"], "OK");

    let o = tim(&emu, &["call", "all_member_push/im_nope", "{}"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("tim call --list"));
    let o = tim(&emu, &["call", "im_get_tag", "[1]"]);
    assert_eq!(code(&o), 2);
    // A body that is not the documented shape is refused before sending (exit 2)...
    let o = tim(&emu, &["call", "im_get_tag", r#"{"To_Account":"dave"}"#]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("nothing was sent"),
        "{}",
        text(&o.stderr)
    );
    // ...and so is one that breaks a documented limit, naming field, limit and value.
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    let body = serde_json::json!({ "To_Account": many }).to_string();
    let before = emu.state().call_counts().total();
    let o = tim(&emu, &["call", "im_get_tag", &body]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("To_Account: must be at most 100 items, got 101 items"),
        "{err}"
    );
    assert_eq!(emu.state().call_counts().total(), before, "nothing sent");
    // --unchecked sends it anyway: the service refuses it, exit 1 with its code.
    let o = tim(
        &emu,
        &[
            "call",
            "im_get_tag",
            r#"{"To_Account":"dave"}"#,
            "--unchecked",
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
}

#[test]
fn wrong_key_says_the_key_does_not_match() {
    let emu = emulator();
    let url = emu.base_url();
    let app = APP.to_string();
    let env = [
        ("TIM_BASE_URL", url.as_str()),
        ("TIM_SDKAPPID", app.as_str()),
        ("TIM_SECRET_KEY", OTHER_KEY),
    ];
    let o = tim_env(&["attr-names", "get"], &env);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(err.contains("70009"), "{err}");
    assert!(
        err.contains(&format!("the secret key does not match SDKAppID {APP}")),
        "{err}"
    );
    assert!(err.contains("TIM_SECRET_KEY"), "{err}");

    let o = tim_env(&["attr-names", "get", "--json"], &env);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["code"], 70009);
    assert_eq!(v["error"]["exit_code"], 1);

    // Through a key file too.
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tim-cli-wrong-key.txt");
    std::fs::write(&path, format!("{OTHER_KEY}\n")).unwrap();
    let o = tim_env(
        &[
            "tags",
            "get",
            "alice",
            "--key-file",
            path.to_str().unwrap(),
            "--base-url",
            &url,
            "--sdkappid",
            &app,
        ],
        &[],
    );
    assert_eq!(code(&o), 1);
    assert!(text(&o.stdout).contains("70009"));
}

#[test]
fn configuration_errors_exit_2_and_transport_errors_exit_3() {
    let emu = emulator();
    let url = emu.base_url();
    let app = APP.to_string();

    let o = tim_env(
        &["tags", "get", "a"],
        &[("TIM_SECRET_KEY", KEY), ("TIM_BASE_URL", url.as_str())],
    );
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("TIM_SDKAPPID"),
        "{}",
        text(&o.stderr)
    );

    let o = tim_env(
        &["tags", "get", "a"],
        &[("TIM_SECRET_KEY", KEY), ("TIM_SDKAPPID", app.as_str())],
    );
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--base-url"),
        "{}",
        text(&o.stderr)
    );

    let o = tim_env(
        &[
            "tags",
            "get",
            "a",
            "--region",
            "atlantis",
            "--sdkappid",
            &app,
        ],
        &[("TIM_SECRET_KEY", KEY)],
    );
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("singapore"), "{}", text(&o.stderr));

    // --standby: a region without a documented standby domain, or a base URL, is refused.
    let o = tim_env(
        &[
            "tags",
            "get",
            "a",
            "--region",
            "tokyo",
            "--standby",
            "--sdkappid",
            &app,
        ],
        &[("TIM_SECRET_KEY", KEY)],
    );
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("standby"), "{}", text(&o.stderr));
    let o = tim_env(
        &["tags", "get", "a", "--standby", "--sdkappid", &app],
        &[
            ("TIM_SECRET_KEY", KEY),
            ("TIM_BASE_URL", "http://127.0.0.1:1"),
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--standby needs a region"),
        "{}",
        text(&o.stderr)
    );

    // Plain http: only to loopback hosts unless --insecure-http.
    let remote = [
        ("TIM_SECRET_KEY", KEY),
        ("TIM_SDKAPPID", app.as_str()),
        ("TIM_BASE_URL", "http://chat.example.com"),
    ];
    let o = tim_env(&["tags", "get", "a"], &remote);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("--insecure-http"),
        "{}",
        text(&o.stderr)
    );

    let o = tim_env(&["tags", "add", "a"], &[]);
    assert_eq!(code(&o), 2, "clap usage errors exit 2");

    // Nothing listens on this port: a transport error.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = format!("http://127.0.0.1:{port}");
    let env = [
        ("TIM_SECRET_KEY", KEY),
        ("TIM_SDKAPPID", app.as_str()),
        ("TIM_BASE_URL", dead.as_str()),
    ];
    let o = tim_env(&["attr-names", "get"], &env);
    assert_eq!(code(&o), 3, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("reachable"), "{}", text(&o.stderr));
    let o = tim_env(&["tags", "get", "a", "b"], &env);
    assert_eq!(
        code(&o),
        3,
        "a bulk command where every account failed to connect"
    );
}

#[test]
fn help_documents_exit_codes_and_configuration() {
    let help = ok(&tim_env(&["--help"], &[]));
    for needle in [
        "Exit codes",
        "0  success",
        "2  usage",
        "3  transport",
        "TIM_SDKAPPID",
        "TIM_SECRET_KEY",
        "TIM_ADMIN",
        "TIM_REGION",
        "TIM_BASE_URL",
        "--insecure-http",
        "--json",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in {help}");
    }
}

#[test]
fn emulator_serve_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tim"))
        .args([
            "emulator",
            "serve",
            "--port",
            "0",
            "--sdkappid",
            "1400000777",
        ])
        .env_remove("TIM_SDKAPPID")
        .env("TIM_SECRET_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tim emulator serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read the base URL");
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    let env = [
        ("TIM_SECRET_KEY", KEY),
        ("TIM_SDKAPPID", "1400000777"),
        ("TIM_BASE_URL", url.as_str()),
    ];
    let added = tim_env(&["tags", "add", "--tag", "served", "erin"], &env);
    let got = tim_env(&["tags", "get", "erin"], &env);
    child.kill().expect("stop the emulator");
    let _ = child.wait();
    ok(&added);
    assert!(ok(&got).contains("erin: served"));
}

#[test]
fn demo_runs_every_step_and_exits_0() {
    let out = ok(&tim_env(&["demo"], &[]));
    for needle in [
        "1. Import 3 people",
        "then 250 accounts in 3 calls",
        "2. Set profiles",
        "tim-demo-bob: Nick=\"Bob\", AllowType=\"AllowType_Type_NeedConfirm\"",
        "3. Make friends",
        "answers 30539 (FriendRequestPending)",
        "are CheckResult_Type_BothWay",
        "4. Send messages",
        "the admin's welcome reached 3 of 3 accounts",
        "5. Read the conversation as bob",
        "page 2: 2 messages, complete: true",
        "tim-demo-bob: On it",
        "6. Unread counts",
        "had 4 unread",
        "after reading tim-demo-alice's: 1",
        "7. Conversations of bob",
        "8. Create a public group and a live group",
        "2 members added",
        "9. Talk in the public group",
        "#3 tim-demo-carol: Docs are ready",
        "10. Mute carol",
        "carol's message answered Some(10017)",
        "11. Live group",
        "history holds 0 messages",
        "12. Register attribute names",
        "13. Set attributes",
        "14. Tag 250 accounts",
        "250 of 250 accounts tagged",
        "15. Read the tags back",
        "250 accounts have \"tim-demo\", 125 have \"tim-demo-vip\"",
        "16. Push a text message",
        "TaskId ",
        "the emulator delivered it to 125 accounts",
        "17. Clean up",
        "accounts left with tags: 0, with attributes: 0",
        "18. Callbacks: the app's server hears every event and refuses spam",
        "sendmsg answered Some(20006)",
        "C2C.CallbackBeforeSendMsg: ",
        "done in",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }

    let o = tim_env(&["demo", "--json"], &[]);
    ok(&o);
    let v = json(&o);
    assert_eq!(v["ok"], true);
    assert_eq!(v["steps"].as_array().unwrap().len(), 18);
    assert_eq!(v["push"]["callbacks"]["refused"], 20006);
    assert!(v["push"]["callbacks"]["received"].as_u64().unwrap() > 10);
    assert_eq!(v["push"]["groups"]["history"], 3);
    assert_eq!(v["push"]["reached"], 125);
    assert_eq!(v["push"]["chat"]["unread_before"], 4);
    assert_eq!(v["calls"]["im_push"], 1);
    assert_eq!(v["calls"]["im_add_tag"], 3);
    assert_eq!(v["calls"]["sendmsg"], 5);
}

#[test]
fn demo_against_a_running_server_with_base_url() {
    let emu = emulator();
    let url = emu.base_url();
    let app = APP.to_string();
    let out = ok(&tim_env(
        &["demo", "--base-url", &url, "--sdkappid", &app],
        &[("TIM_SECRET_KEY", KEY)],
    ));
    assert!(out.contains("recipients are not observable"), "{out}");
    assert_eq!(emu.state().pushes().len(), 1);
    assert_eq!(emu.state().pushes()[0].recipients.len(), 125);
}

#[test]
fn an_invalid_base_url_is_refused_before_anything_is_sent() {
    let app = APP.to_string();
    let env = [
        ("TIM_BASE_URL", "http://127.0.0.1:99999"),
        ("TIM_SDKAPPID", app.as_str()),
        ("TIM_SECRET_KEY", KEY),
    ];
    let o = tim_env(&["attr-names", "get"], &env);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("99999"), "{}", text(&o.stderr));
}

#[test]
fn odd_input_files_and_arguments_are_handled_before_sending() {
    let emu = emulator();
    let dir = std::env::temp_dir().join(format!("tim-cli-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A byte-order mark is not part of the first account.
    let accounts = dir.join("bom.txt");
    std::fs::write(&accounts, "\u{feff}bom-a\nbom-b\n").unwrap();
    ok(&tim(
        &emu,
        &[
            "tags",
            "add",
            "--tag",
            "t",
            "--from-file",
            accounts.to_str().unwrap(),
        ],
    ));
    assert_eq!(emu.state().tags_of("bom-a"), ["t"]);
    // A key file with more than one line is refused (exit 2), naming neither line.
    let key = dir.join("two-lines.key");
    std::fs::write(&key, format!("{KEY}\nsomething else\n")).unwrap();
    let url = emu.base_url();
    let app = APP.to_string();
    let env = [
        ("TIM_BASE_URL", url.as_str()),
        ("TIM_SDKAPPID", app.as_str()),
    ];
    let o = tim_env(
        &["attr-names", "get", "--key-file", key.to_str().unwrap()],
        &env,
    );
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("one line"), "{}", text(&o.stderr));
    // The same slot twice is refused.
    let o = tim(&emu, &["attr-names", "set", "0=a", "0=b"]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert!(emu.state().attr_names().is_empty(), "nothing was sent");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_output_is_one_document_even_when_accounts_fail() {
    let emu = emulator();
    let (path, _) = accounts_file("jsonfail", 200);
    emu.faults()
        .inject(FaultRule::new(Fault::Code(90009)).only("im_add_tag"));
    let o = tim(
        &emu,
        &[
            "tags",
            "add",
            "--tag",
            "x",
            "--from-file",
            path.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    // serde_json refuses trailing content: stdout is exactly one JSON document.
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["failed"], 100);
    assert_eq!(doc["failures"].as_array().unwrap().len(), 100);
}

#[test]
fn get_results_stream_as_one_json_document() {
    let emu = emulator();
    let (path, _) = accounts_file("stream", 250);
    let file = path.to_str().unwrap();
    ok(&tim(
        &emu,
        &["tags", "add", "--tag", "s", "--from-file", file],
    ));
    let o = tim(&emu, &["tags", "get", "--from-file", file, "--json"]);
    ok(&o);
    let doc: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)));
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["succeeded"], 250);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 250);
    assert!(
        results
            .iter()
            .all(|r| r["Tags"] == serde_json::json!(["s"]))
    );
    // Text mode: one line per account, then the summary.
    let text_out = ok(&tim(&emu, &["tags", "get", "--from-file", file]));
    assert_eq!(text_out.lines().filter(|l| l.ends_with(": s")).count(), 250);
}

#[test]
fn accounts_import_check_and_delete_in_bulk() {
    let emu = emulator();
    let (path, accounts) = accounts_file("acct", 230);
    let file = path.to_str().unwrap();
    let out = ok(&tim(&emu, &["accounts", "import", "--from-file", file]));
    assert!(
        out.contains("imported 230 of 230 accounts (3 calls)"),
        "{out}"
    );
    assert!(accounts.iter().all(|a| emu.state().is_known(a)));

    let out = ok(&tim(&emu, &["accounts", "check", "acct-0000", "nobody"]));
    assert!(out.contains("acct-0000: Imported"), "{out}");
    assert!(out.contains("nobody: NotImported"), "{out}");

    // Deleting accounts that do not exist fails those accounts alone (their ResultCode).
    let o = tim(
        &emu,
        &["accounts", "delete", "acct-0000", "acct-0001", "ghost"],
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("2 of 3 accounts succeeded, 1 failed"), "{out}");
    assert!(out.contains("70107"), "{out}");
    assert!(!emu.state().is_known("acct-0000"));
}

#[test]
fn send_to_many_and_read_the_history() {
    let emu = emulator();
    let (path, accounts) = accounts_file("send", 1_200);
    let file = path.to_str().unwrap();
    ok(&tim(&emu, &["accounts", "import", "--from-file", file]));
    ok(&tim(&emu, &["accounts", "import", "sender"]));

    // 1,200 recipients: three batchsendmsg calls (500 per call); one unknown account fails
    // on its own with the code the service lists it with.
    let o = tim(
        &emu,
        &[
            "send",
            "--text",
            "maintenance at 02:00",
            "--from",
            "sender",
            "--json",
            "--from-file",
            file,
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["succeeded"], 1_200, "{v}");
    assert_eq!(
        emu.state().call_counts().endpoint("batchsendmsg").received,
        3
    );
    let o = tim(
        &emu,
        &[
            "send",
            "--text",
            "hi",
            "--from",
            "sender",
            accounts[0].as_str(),
            "ghost",
        ],
    );
    assert_eq!(code(&o), 1);
    let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(all.contains("ghost") && all.contains("70107"), "{all}");

    // The conversation, oldest first, across pages of 1.
    let o = tim(
        &emu,
        &[
            "history",
            accounts[0].as_str(),
            "sender",
            "--page",
            "1",
            "--json",
        ],
    );
    let v = json(&o);
    assert_eq!(v["count"], 2, "{v}");
    assert_eq!(v["messages"][0]["text"], "maintenance at 02:00");
    assert_eq!(v["messages"][1]["text"], "hi");
    assert_eq!(
        emu.state()
            .call_counts()
            .endpoint("admin_getroammsg")
            .received,
        2
    );
    let out = ok(&tim(&emu, &["history", accounts[0].as_str(), "sender"]));
    assert!(
        out.contains("sender -> send-0000: maintenance at 02:00"),
        "{out}"
    );
    assert!(
        out.contains("2 messages between send-0000 and sender"),
        "{out}"
    );

    // Bad input is refused before anything is sent.
    let o = tim(&emu, &["send", "--text", "hi", "--lifetime", "700000", "x"]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let o = tim(
        &emu,
        &["history", "a", "b", "--since", "10", "--until", "5"],
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn group_create_members_messages_and_history() {
    let emu = emulator();
    let (path, accounts) = accounts_file("grp", 650);
    let file = path.to_str().unwrap();
    ok(&tim(&emu, &["accounts", "import", "--from-file", file]));

    let v = json(&tim(
        &emu,
        &[
            "group", "create", "--name", "ops", "--type", "Public", "--json",
        ],
    ));
    let id = v["group_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("@TGS#"), "{v}");

    // 650 members in batches; a second add of the same accounts says they are members.
    let v = json(&tim(
        &emu,
        &[
            "group",
            "add",
            "--group",
            &id,
            "--from-file",
            file,
            "--json",
        ],
    ));
    assert_eq!(v["results"]["added"], 650, "{v}");
    let calls = emu
        .state()
        .call_counts()
        .endpoint("add_group_member")
        .received;
    assert!(calls >= 3, "{calls} calls");
    let v = json(&tim(
        &emu,
        &[
            "group",
            "add",
            "--group",
            &id,
            accounts[0].as_str(),
            "--json",
        ],
    ));
    assert_eq!(v["results"]["already_members"], 1, "{v}");

    let out = ok(&tim(
        &emu,
        &[
            "group",
            "send",
            &id,
            "--text",
            "first",
            "--from",
            accounts[1].as_str(),
        ],
    ));
    assert!(out.contains("MsgSeq 1"), "{out}");
    ok(&tim(&emu, &["group", "send", &id, "--text", "second"]));
    ok(&tim(
        &emu,
        &["group", "notify", &id, "--text", "maintenance"],
    ));
    let v = json(&tim(
        &emu,
        &["group", "history", &id, "--page", "1", "--json"],
    ));
    assert_eq!(v["count"], 2, "{v}");
    assert_eq!(v["messages"][0]["text"], "first");
    assert_eq!(v["messages"][1]["seq"], 2);
    let out = ok(&tim(&emu, &["group", "history", &id]));
    assert!(out.contains("#1 grp-0001: first"), "{out}");

    let v = json(&tim(
        &emu,
        &[
            "group",
            "remove",
            "--group",
            &id,
            accounts[0].as_str(),
            accounts[1].as_str(),
            "--json",
        ],
    ));
    assert_eq!(v["succeeded"], 2, "{v}");

    // Refused before sending: an unknown group type.
    let o = tim(&emu, &["group", "create", "--name", "x", "--type", "Club"]);
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
}

#[test]
fn webhook_sign_prints_the_formula_s_signature() {
    let out = tim_env(
        &[
            "webhook",
            "sign",
            "--token",
            "xxxyyy",
            "--time",
            "1669872112",
        ],
        &[],
    );
    assert_eq!(
        ok(&out).trim(),
        "e78a85473bed2cdc8d6fa8c4d5a4ba4735fd64156e15a99516b9890293e135de"
    );
    let missing = tim_env(&["webhook", "sign", "--time", "1"], &[]);
    assert_eq!(missing.status.code(), Some(2));
}

/// Starts a `tim` server command and returns it with the first line of its stdout (or
/// stderr, for `webhook serve`, whose stdout carries the events).
fn spawn_tim(args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tim"));
    cmd.args(args)
        .env_remove("TIM_SDKAPPID")
        .env_remove("TIM_CALLBACK_TOKEN")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("start tim")
}

#[test]
fn webhook_serve_prints_the_callbacks_of_an_emulator_and_refuses_forged_ones() {
    // The receiver: its URL is on stderr, the events on stdout.
    let mut receiver = spawn_tim(
        &[
            "webhook",
            "serve",
            "--port",
            "0",
            "--sdkappid",
            "1400000778",
        ],
        &[("TIM_CALLBACK_TOKEN", "hook-token")],
    );
    let mut err = BufReader::new(receiver.stderr.take().unwrap());
    let mut banner = String::new();
    err.read_line(&mut banner).unwrap();
    let hook = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the URL in the banner")
        .to_owned();
    assert!(banner.contains("signatures checked"), "{banner}");

    // An emulator sending callbacks there, signed with the same token.
    let mut emu = spawn_tim(
        &[
            "emulator",
            "serve",
            "--port",
            "0",
            "--sdkappid",
            "1400000778",
            "--callback-url",
            &hook,
            "--callback-token",
            "hook-token",
        ],
        &[("TIM_SECRET_KEY", KEY)],
    );
    let mut url = String::new();
    BufReader::new(emu.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    let env = [
        ("TIM_SECRET_KEY", KEY),
        ("TIM_SDKAPPID", "1400000778"),
        ("TIM_BASE_URL", url.as_str()),
    ];
    ok(&tim_env(&["accounts", "import", "ann", "bob"], &env));
    ok(&tim_env(
        &[
            "call",
            "openim/sendmsg",
            r#"{"From_Account": "ann", "To_Account": "bob", "MsgRandom": 7,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi bob"}}]}"#,
        ],
        &env,
    ));

    // A forged callback (wrong signature) is refused with one line on stderr.
    let forged = format!(
        "{hook}?SdkAppid=1400000778&CallbackCommand=State.StateChange&Sign={}&RequestTime=1",
        "0".repeat(64)
    );
    let status = ureq_post(&forged, br#"{"CallbackCommand":"State.StateChange"}"#);
    assert_eq!(status, 403);

    let mut out = BufReader::new(receiver.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        lines.push(serde_json::from_str::<Value>(&line).expect("one JSON line per callback"));
    }
    let mut refused = String::new();
    err.read_line(&mut refused).unwrap();
    receiver.kill().unwrap();
    emu.kill().unwrap();
    let _ = (receiver.wait(), emu.wait());

    let commands: Vec<&str> = lines
        .iter()
        .map(|l| l["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        ["C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"]
    );
    assert_eq!(lines[0]["event"]["From_Account"], "ann");
    assert_eq!(
        lines[0]["event"]["MsgBody"][0]["MsgContent"]["Text"],
        "hi bob"
    );
    assert_eq!(lines[0]["sdkappid"], 1_400_000_778);
    assert_eq!(lines[0]["platform"], "RESTAPI");
    assert!(refused.contains("Sign does not match"), "{refused}");
    assert!(!refused.contains(&"0".repeat(64)) && !refused.contains("hook-token"));
}

/// POSTs `body` to `url` over plain HTTP and returns the status.
fn ureq_post(url: &str, body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, target) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "POST /{target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn call_passes_an_endpoint_s_own_query_parameters_checked() {
    let emu = emulator();
    let o = tim(
        &emu,
        &["call", "ConfigSvc/GetIPList", "{}", "--query", "nettype=5"],
    );
    assert!(ok(&o).contains("IPList"), "{}", text(&o.stdout));
    // Not one of the endpoint's parameters, a bad value, a malformed flag: nothing is sent.
    let unknown = tim(
        &emu,
        &["call", "ConfigSvc/GetIPList", "{}", "--query", "net=5"],
    );
    assert_eq!(code(&unknown), 2);
    assert!(
        text(&unknown.stderr).contains("`net`: this endpoint's own are"),
        "{}",
        text(&unknown.stderr)
    );
    let bad = tim(
        &emu,
        &["call", "ConfigSvc/GetIPList", "{}", "--query", "nettype=9"],
    );
    assert_eq!(code(&bad), 2, "{}", text(&bad.stderr));
    let none = tim(
        &emu,
        &[
            "call",
            "openim/query_online_status",
            r#"{"To_Account": ["a"]}"#,
            "--query",
            "x=1",
        ],
    );
    assert_eq!(code(&none), 2);
    assert!(text(&none.stderr).contains("takes no query parameters of its own"));
    let malformed = tim(
        &emu,
        &["call", "ConfigSvc/GetIPList", "{}", "--query", "nettype"],
    );
    assert_eq!(code(&malformed), 2);
    assert_eq!(
        emu.state().call_counts().endpoint("GetIPList").received,
        1,
        "only the valid call was sent"
    );
}
