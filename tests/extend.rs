//! The extension proof (`tests/extend/README.md`): adding an endpoint to an existing service
//! and a new service with two endpoints (one a batch endpoint) is writing their spec files
//! and running `cargo xtask codegen`, with no hand-written code, for every layer.
//!
//! The workspace is copied to a scratch folder, `tests/extend/` is laid over the copy, the
//! generator runs there, and the copy's own tests run: the proof crate (client methods, the
//! emulator's conformance default, the bulk method, `tim call`) and the wire and limits
//! tests, which walk the spec and so cover the new endpoints.
//!
//! It builds a second copy of the workspace (minutes on two cores), so it is `#[ignore]`d in
//! the everyday `cargo test`; CI runs it with `--ignored`. The copy's build folder is kept
//! under the target folder, so a second run only rebuilds what changed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

struct Copy {
    dir: PathBuf,
    target: PathBuf,
}

impl Copy {
    /// Runs cargo in the copy; panics with its output when it fails.
    fn cargo(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.dir)
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("CI")
            .env("INSTA_UPDATE", "always");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run cargo");
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "cargo {}:\n{text}", args.join(" "));
        text
    }
}

#[test]
#[ignore = "builds a second copy of the workspace; CI runs it with --ignored"]
fn a_new_endpoint_and_a_new_service_need_only_their_spec_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("extend-proof");
    let _ = std::fs::remove_dir_all(&dir);
    for part in ["spec", "crates", "xtask", "tests", ".cargo"] {
        copy_dir(&root.join(part), &dir.join(part));
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let members = r#"["crates/*", "xtask", "tests", "bench"]"#;
    assert!(manifest.contains(members), "workspace members changed");
    let manifest = manifest.replace(members, r#"["crates/*", "xtask", "tests", "proof"]"#);
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    // The new spec files and the proof crate: nothing else changes.
    let extend = root.join("tests/extend");
    copy_dir(&extend.join("spec"), &dir.join("spec"));
    copy_dir(&extend.join("proof"), &dir.join("proof"));

    let copy = Copy {
        dir,
        target: tmp.parent().expect("target folder").join("extend-proof"),
    };
    // The one step: `cargo xtask codegen`.
    let out = copy.cargo(
        &[
            "run",
            "--offline",
            "--quiet",
            "-p",
            "xtask",
            "--",
            "codegen",
        ],
        &[],
    );
    for file in [
        "crates/tim-model/src/generated/proof_svc.rs",
        "crates/tim-client/src/services/proof_svc.rs",
        "crates/tim-emulator/src/generated/proof_svc.rs",
    ] {
        assert!(out.contains(&format!("wrote {file}")), "{out}");
    }
    copy.cargo(&["build", "--offline", "-p", "tim-cli"], &[]);
    let tim = copy
        .target
        .join("debug")
        .join(format!("tim{}", std::env::consts::EXE_SUFFIX));
    let tim = tim.to_str().expect("UTF-8 path");
    let out = copy.cargo(&["test", "--offline", "-p", "proof"], &[("TIM_BIN", tim)]);
    assert!(
        out.contains("test new_endpoints_work_end_to_end ... ok"),
        "{out}"
    );
    // The copy's wire and limits tests cover the new endpoints: their samples round-trip and
    // every limit is broken once, refused by the client and answered by the emulator; and
    // the end-to-end endpoint tests still pass with them in the spec.
    let out = copy.cargo(
        &[
            "test",
            "--offline",
            "-p",
            "tim-tests",
            "--test",
            "wire",
            "--test",
            "limits",
            "--test",
            "endpoints",
            "--",
            // The new samples' snapshots are written during this run (INSTA_UPDATE=always), so
            // the check that no snapshot outlives its sample would race with them.
            "--skip",
            "no_snapshot_outlives_its_sample",
        ],
        &[],
    );
    assert!(!out.contains("FAILED"), "{out}");
}
