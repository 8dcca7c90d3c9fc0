//! Bulk operations against the emulator over loopback HTTP: batching and splitting, item
//! checks, duplicates, isolation of rejected items, retries and failures in the report,
//! streaming (the input is read as batches are sent, not up front), settings.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tim_client::all_member_push::{
    SetAttrNameRequest, UserAttrNames, UserAttrs, UserTags, UserTagsToAdd,
};
use tim_client::bulk::{Bulk, BulkReport, ItemError};
use tim_client::{Client, ErrorCode, RetryPolicy, SecretKey};
use tim_emulator::{Config, Emulator, Fault, FaultRule};

const APP: u32 = 1_400_000_000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn emulator() -> Emulator {
    Emulator::start(Config::new(APP, SecretKey::new(KEY))).expect("emulator starts")
}

fn client(emu: &Emulator) -> Client {
    Client::builder(APP)
        .secret_key(SecretKey::new(KEY))
        .base_url(emu.base_url())
        .allow_insecure_http(true)
        // Quick retries keep the tests short; the policy is otherwise the standard one.
        .retry_policy(
            RetryPolicy::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("client builds")
}

fn accounts(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn tags(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("tag{i}")).collect()
}

fn assert_accounted(report: &BulkReport) {
    assert_eq!(report.accounted(), report.input, "{report:?}");
}

fn failed_accounts(report: &BulkReport) -> Vec<String> {
    let mut v: Vec<String> = report.failed.iter().map(|f| f.account.clone()).collect();
    v.sort();
    v
}

#[test]
fn add_tags_splits_accounts_and_tags_into_requests_within_the_limits() {
    let emu = emulator();
    let client = client(&emu);
    // 250 accounts with 25 tags each: 3 batches (100, 100, 50) of 3 parts (10, 10, 5 tags).
    let items = accounts("u", 250)
        .into_iter()
        .map(|a| UserTagsToAdd::new(a, tags(25)));
    let report = Bulk::new(&client)
        .workers(2)
        .all_member_push()
        .add_tag(items)
        .unwrap();
    assert_eq!(report.input, 250);
    assert_eq!(report.succeeded, 250, "{:?}", report.failed);
    assert!(report.is_success());
    assert_eq!(report.requests, 9);
    assert_eq!(report.retries, 0);
    assert_accounted(&report);
    for a in ["u0", "u99", "u100", "u249"] {
        // The parts of an item may be applied in any order by concurrent workers.
        let mut got = emu.state().tags_of(a);
        got.sort();
        let mut want = tags(25);
        want.sort();
        assert_eq!(got, want, "{a}");
    }
    let counts = emu.state().call_counts().endpoint("im_add_tag");
    assert_eq!(counts.received, 9);
    assert_eq!(counts.ok, 9);
}

#[test]
fn items_invalid_on_their_own_fail_alone_before_batching() {
    let emu = emulator();
    let client = client(&emu);
    let long = "x".repeat(51);
    let items = vec![
        UserTagsToAdd::new("a", ["ok"]),
        UserTagsToAdd::new("", ["ok"]),
        UserTagsToAdd::new("b", ["ok".to_owned(), long.clone()]),
        UserTagsToAdd::new("c", Vec::<String>::new()),
        UserTagsToAdd::new("d", tags(101)),
        // The bad tag is the 13th: the error names its index in the item, not in the part.
        UserTagsToAdd::new("e", tags(12).into_iter().chain([long])),
        UserTagsToAdd::new("f", ["ok"]),
    ];
    let report = Bulk::new(&client).all_member_push().add_tag(items).unwrap();
    assert_accounted(&report);
    assert_eq!(report.input, 7);
    assert_eq!(report.succeeded, 2);
    assert_eq!(report.requests, 1, "one batch for the valid items");
    assert_eq!(emu.state().tags_of("a"), ["ok"]);
    assert_eq!(emu.state().tags_of("f"), ["ok"]);
    assert!(emu.state().tags_of("b").is_empty());
    let by_account: HashMap<&str, &ItemError> = report
        .failed
        .iter()
        .map(|f| (f.account.as_str(), &f.error))
        .collect();
    let field = |a: &str| match by_account[a] {
        ItemError::Invalid(e) => (e.field.clone(), e.code),
        other => panic!("{a}: {other:?}"),
    };
    assert_eq!(field(""), ("To_Account".to_owned(), None));
    assert_eq!(field("b"), ("Tags[1]".to_owned(), Some(90020.into())));
    assert_eq!(field("c"), ("Tags".to_owned(), None));
    assert_eq!(field("d"), ("Tags".to_owned(), Some(90032.into())));
    assert_eq!(field("e"), ("Tags[12]".to_owned(), Some(90020.into())));
    let shown = by_account["d"].to_string();
    assert!(
        shown.contains("at most 100 items") && shown.contains("101 items"),
        "{shown}"
    );
}

#[test]
fn duplicates_within_a_batch_are_dropped_and_repeats_across_batches_resent() {
    let emu = emulator();
    let client = client(&emu);
    let add = |a: &str, t: &str| UserTagsToAdd::new(a, [t]);
    // Batches of 3: [a:x, b:x, (a:x dup), c:x] then [a:y (other payload: same batch would
    // name a twice)...].
    let items = vec![
        add("a", "x"),
        add("b", "x"),
        add("a", "x"),
        add("c", "x"),
        add("a", "x"),
        add("a", "y"),
        add("d", "x"),
    ];
    let report = Bulk::new(&client)
        .batch_size(3)
        .all_member_push()
        .add_tag(items.clone())
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.input, 7);
    assert_eq!(report.duplicates, 1);
    assert_eq!(report.succeeded, 6);
    // [a,b,c] [a] [a,d]: "a:x" repeated in a later batch is sent again, "a:y" would name
    // "a" twice in one request so it starts a new batch.
    assert_eq!(report.requests, 3);
    assert_eq!(emu.state().tags_of("a"), ["x", "y"]);

    let report = Bulk::new(&client)
        .batch_size(3)
        .dedupe_across_batches(true)
        .all_member_push()
        .add_tag(items)
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.duplicates, 2);
    assert_eq!(report.succeeded, 5);

    // Gets: each account's result is delivered once per non-duplicate item.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let report = Bulk::new(&client)
        .all_member_push()
        .get_tag(["a", "b", "a", "c"], |u| {
            *seen.entry(u.to_account).or_default() += 1
        })
        .unwrap();
    assert_accounted(&report);
    assert_eq!((report.succeeded, report.duplicates), (3, 1));
    assert_eq!(
        seen,
        BTreeMap::from([("a".into(), 1), ("b".into(), 1), ("c".into(), 1)])
    );
}

#[test]
fn every_per_account_endpoint_has_a_bulk_form() {
    let emu = emulator();
    let client = client(&emu);
    client
        .all_member_push()
        .set_attr_name(SetAttrNameRequest::new([("0", "sex"), ("1", "city")]))
        .unwrap();
    let users = accounts("p", 150);
    let bulk = Bulk::new(&client).workers(3);

    let r = bulk
        .all_member_push()
        .add_tag(
            users
                .iter()
                .map(|a| UserTagsToAdd::new(a.clone(), ["t1", "t2", "t3"])),
        )
        .unwrap();
    assert_eq!(r.succeeded, 150);
    let r = bulk
        .all_member_push()
        .remove_tag(users.iter().map(|a| UserTags::new(a.clone(), ["t2"])))
        .unwrap();
    assert_eq!(r.succeeded, 150);
    let got = Mutex::new(BTreeMap::new());
    let r = bulk
        .all_member_push()
        .get_tag(users.iter().cloned(), |u| {
            got.lock().unwrap().insert(u.to_account, u.tags);
        })
        .unwrap();
    assert_eq!(r.succeeded, 150);
    let got = got.into_inner().unwrap();
    assert_eq!(got.len(), 150);
    assert!(got.values().all(|t| t == &["t1", "t3"]), "{got:?}");

    let r = bulk
        .all_member_push()
        .remove_all_tags(users.iter().take(100).cloned())
        .unwrap();
    assert_eq!(r.succeeded, 100);
    assert!(emu.state().tags_of("p0").is_empty());
    assert_eq!(emu.state().tags_of("p120"), ["t1", "t3"]);

    let attrs = |a: &str| UserAttrs::new(a, [("sex", "f"), ("city", "sz")]);
    let r = bulk
        .all_member_push()
        .set_attr(users.iter().map(|a| attrs(a)))
        .unwrap();
    assert_eq!(r.succeeded, 150);
    let r = bulk
        .all_member_push()
        .remove_attr(
            users
                .iter()
                .step_by(2)
                .map(|a| UserAttrNames::new(a.clone(), ["city"])),
        )
        .unwrap();
    assert_eq!(r.succeeded, 75);
    let mut got = BTreeMap::new();
    let r = bulk
        .all_member_push()
        .get_attr(users.iter().cloned(), |u| {
            got.insert(u.to_account, u.attrs);
        })
        .unwrap();
    assert_eq!(r.succeeded, 150);
    assert_eq!(got["p0"], BTreeMap::from([("sex".into(), "f".into())]));
    assert_eq!(got["p1"], attrs("p1").attrs);
    assert_eq!(
        emu.state().attrs_of("p2"),
        BTreeMap::from([("sex".into(), "f".into())])
    );
}

#[test]
fn an_item_the_service_rejects_is_isolated_from_its_batch() {
    let emu = emulator();
    let client = client(&emu);
    client
        .all_member_push()
        .set_attr_name(SetAttrNameRequest::new([("0", "sex")]))
        .unwrap();
    // "nope" is not an attribute name of the app: the service rejects the whole call (90033).
    let items = accounts("s", 40).into_iter().map(|a| {
        let name = if a == "s17" { "nope" } else { "sex" };
        UserAttrs::new(a, [(name, "m")])
    });
    let report = Bulk::new(&client)
        .all_member_push()
        .set_attr(items.clone())
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 39);
    assert_eq!(failed_accounts(&report), ["s17"]);
    assert_eq!(report.failed[0].error.code(), Some(ErrorCode::InvalidAttr));
    assert!(report.requests > 1);
    assert_eq!(emu.state().attrs_of("s16")["sex"], "m");

    // Without isolation the batch fails as a whole, every item with the same error.
    let report = Bulk::new(&client)
        .isolate_failures(false)
        .all_member_push()
        .set_attr(items)
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 0);
    assert_eq!(report.failed.len(), 40);
    assert_eq!(report.requests, 1);
    assert!(
        report
            .failed
            .iter()
            .all(|f| f.error.code() == Some(ErrorCode::InvalidAttr))
    );

    // Over the 100-tag cap for one account only (90032 from the service).
    let full: Vec<UserTagsToAdd> = (0..10)
        .map(|i| UserTagsToAdd::new("full", (i * 10..i * 10 + 10).map(|t| format!("old{t}"))))
        .collect();
    let r = Bulk::new(&client).all_member_push().add_tag(full).unwrap();
    assert_eq!(r.succeeded, 10);
    let items = ["x1", "full", "x2", "x3"].map(|a| UserTagsToAdd::new(a, ["new"]));
    let report = Bulk::new(&client).all_member_push().add_tag(items).unwrap();
    assert_accounted(&report);
    assert_eq!(failed_accounts(&report), ["full"]);
    assert_eq!(report.failed[0].error.code(), Some(ErrorCode::TooManyTags));
    assert_eq!(emu.state().tags_of("x3"), ["new"]);
}

#[test]
fn retries_show_in_the_report_and_failed_calls_fail_every_item_of_the_batch() {
    let emu = emulator();
    let client = client(&emu);
    emu.faults().inject(
        FaultRule::new(Fault::Code(91000))
            .times(2)
            .only("im_get_tag"),
    );
    let mut n = 0;
    let report = Bulk::new(&client)
        .all_member_push()
        .get_tag(accounts("r", 250), |_| n += 1)
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 250);
    assert_eq!(n, 250);
    assert_eq!(report.requests, 3);
    assert_eq!(report.retries, 2);

    // A fault the client gives up on: the batches fail, each account with the call's error.
    emu.faults().inject(
        FaultRule::new(Fault::BadGateway)
            .always()
            .only("im_remove_all_tags"),
    );
    let report = Bulk::new(&client)
        .workers(2)
        .all_member_push()
        .remove_all_tags(accounts("r", 250))
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 0);
    assert_eq!(report.failed.len(), 250);
    assert_eq!(report.retries, 3 * 2, "3 calls, 3 attempts each");
    let err = report.failed[0].error.call_error().expect("a call error");
    assert!(
        matches!(err, tim_client::Error::HttpStatus { status: 502, .. }),
        "{err:?}"
    );
    let mut failed = failed_accounts(&report);
    failed.dedup();
    assert_eq!(failed.len(), 250);
}

#[test]
fn input_is_read_as_batches_are_sent_not_up_front() {
    let emu = emulator();
    let client = client(&emu);
    let pulled = AtomicU64::new(0);
    let max_ahead = AtomicU64::new(0);
    let (batch, workers, queue) = (10u64, 2u64, 2u64);
    let input = (0..600).map(|i| {
        pulled.fetch_add(1, Ordering::SeqCst);
        format!("m{i}")
    });
    let report = Bulk::new(&client)
        .batch_size(batch as usize)
        .workers(workers as usize)
        .queue_batches(queue as usize)
        .on_progress(|p| {
            let ahead = pulled.load(Ordering::SeqCst) - (p.succeeded + p.failed + p.duplicates);
            max_ahead.fetch_max(ahead, Ordering::SeqCst);
        })
        .all_member_push()
        .get_tag(input, |_| {})
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 600);
    assert_eq!(report.batches, 60);
    // At most: the batch being filled, the queue, one batch per worker, plus the item
    // being read.
    let bound = (1 + queue + workers) * batch + 1;
    let ahead = max_ahead.load(Ordering::SeqCst);
    assert!(ahead <= bound, "{ahead} items read ahead, bound {bound}");
}

#[test]
fn progress_is_reported_after_every_batch() {
    let emu = emulator();
    let client = client(&emu);
    let calls = Mutex::new(Vec::new());
    let report = Bulk::new(&client)
        .workers(3)
        .batch_size(25)
        .on_progress(|p| calls.lock().unwrap().push(p.clone()))
        .all_member_push()
        .remove_all_tags(accounts("g", 230).into_iter().chain(["".to_owned()]))
        .unwrap();
    assert_accounted(&report);
    let mut calls = calls.into_inner().unwrap();
    assert_eq!(calls.len(), 10);
    calls.sort_by_key(|p| p.batches_done);
    assert_eq!(
        calls.iter().map(|p| p.batches_done).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let last = calls.last().unwrap();
    assert_eq!(last.succeeded, 230);
    assert_eq!(last.failed, 1);
    assert_eq!(last.requests, report.requests);
}

#[test]
fn settings_out_of_range_are_refused_naming_the_setting() {
    let emu = emulator();
    let client = client(&emu);
    let e = Bulk::new(&client)
        .batch_size(101)
        .all_member_push()
        .get_tag(["a"], |_| {})
        .unwrap_err();
    assert_eq!(e.setting, "batch_size");
    assert_eq!(
        e.to_string(),
        "invalid bulk setting batch_size: must be 1 to 100 (the batch limit of v4/all_member_push/im_get_tag), got 101"
    );
    let e = Bulk::new(&client)
        .workers(0)
        .all_member_push()
        .remove_all_tags(["a"])
        .unwrap_err();
    assert_eq!((e.setting, e.value.as_str()), ("workers", "0"));
    let e = Bulk::new(&client)
        .queue_batches(0)
        .all_member_push()
        .remove_all_tags(["a"])
        .unwrap_err();
    assert_eq!(e.setting, "queue_batches");
    assert_eq!(emu.state().call_counts().total(), 0);
    // An empty input is a job with nothing to do.
    let r = Bulk::new(&client)
        .all_member_push()
        .remove_all_tags(Vec::<String>::new())
        .unwrap();
    assert_eq!((r.input, r.requests, r.accounted()), (0, 0, 0));
}

mod support;

#[test]
fn accounts_missing_from_a_get_answer_fail_alone() {
    // A service answering only the accounts it knows: the others fail as not listed.
    let server = support::Server::start(|_, seen| {
        let asked: Vec<String> = serde_json::from_value(seen.json()["To_Account"].clone()).unwrap();
        let known: Vec<_> = asked
            .iter()
            .filter(|a| !a.ends_with('3'))
            .map(|a| serde_json::json!({"To_Account": a, "Tags": ["k"]}))
            .collect();
        support::Reply::json(
            serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "UserTags": known}),
        )
    });
    let client = support::builder(&server).build().unwrap();
    let mut got = Vec::new();
    let report = Bulk::new(&client)
        .all_member_push()
        .get_tag(accounts("n", 30), |u| got.push(u.to_account))
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 27);
    assert_eq!(got.len(), 27);
    assert_eq!(failed_accounts(&report), ["n13", "n23", "n3"]);
    assert!(report.failed.iter().all(|f| matches!(
        f.error,
        ItemError::NotInResponse {
            endpoint: "v4/all_member_push/im_get_tag"
        }
    )));
    assert_eq!(
        report.failed[0].error.to_string(),
        "v4/all_member_push/im_get_tag succeeded but did not list the account"
    );
}

#[test]
fn a_payload_every_item_shares_is_refused_in_a_few_calls_not_one_per_account() {
    let emu = emulator();
    let client = client(&emu);
    // "unregistered" is not an attribute name of the app: every item is refused (90033)
    // because of its payload, not its account.
    let items = accounts("u", 1_000)
        .into_iter()
        .map(|a| UserAttrs::new(a, [("unregistered", "x")]));
    let report = Bulk::new(&client)
        .all_member_push()
        .set_attr(items)
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.failed.len(), 1_000);
    assert!(
        report
            .failed
            .iter()
            .all(|f| f.error.code() == Some(ErrorCode::InvalidAttr))
    );
    // One refused batch, two probes; the other nine batches are not sent.
    assert_eq!(report.requests, 3, "{report:?}");
}

/// A batch call that succeeds can still refuse some accounts in its per-account results
/// (`ResultCode`): the bulk report counts those accounts as failed, with the result's code.
#[test]
fn per_account_result_codes_fail_those_accounts() {
    use tim_client::account::AccountItem;
    let emu = emulator();
    let client = client(&emu);
    let existing = accounts("acc", 150);
    client
        .account()
        .multi_account_import(
            tim_client::account::MultiAccountImportRequest::new()
                .accounts(existing[..100].iter().cloned()),
        )
        .unwrap();
    client
        .account()
        .multi_account_import(
            tim_client::account::MultiAccountImportRequest::new()
                .accounts(existing[100..].iter().cloned()),
        )
        .unwrap();
    // 150 imported accounts and 50 that do not exist, in 2 calls.
    let items = accounts("acc", 200).into_iter().map(AccountItem::new);
    let report = Bulk::new(&client)
        .account()
        .account_delete(items, |_| {})
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.requests, 2);
    assert_eq!(report.succeeded, 150);
    assert_eq!(report.failed.len(), 50);
    assert!(
        report
            .failed
            .iter()
            .all(|f| f.error.code() == Some(ErrorCode::UserIdNotFound)),
        "{:?}",
        report.failed.first()
    );
    assert!(!emu.state().is_known("acc0") && !emu.state().is_known("acc149"));
}

/// add_group_member and import_group_member answer `Result` per member, where 0 is the
/// failure and 1 or 2 (3: awaiting approval) success (the spec's `batch.results.success`):
/// the bulk report counts `Result` 0 as failed and the others as succeeded.
#[test]
fn group_member_results_fail_only_the_members_answered_zero() {
    use tim_client::group::{
        AddGroupMemberItem, AddGroupMemberRequest, CreateGroupRequest, ImportGroupMemberItem,
        ImportGroupMemberRequest,
    };
    let emu = emulator();
    let client = client(&emu);
    emu.state().import_accounts(accounts("m", 10));
    let mut create = CreateGroupRequest::new("Public", "bulk");
    create.owner_account = Some("m0".to_owned());
    let group = client
        .group()
        .create_group(create)
        .unwrap()
        .group_id
        .expect("GroupId");

    // Imported: m1..m4 (1); already a member: the owner m0 (2); unknown: ghost0, ghost1 (0).
    let items = ["m1", "m2", "ghost0", "m0", "m3", "ghost1", "m4"]
        .into_iter()
        .map(ImportGroupMemberItem::new);
    let results = Mutex::new(BTreeMap::new());
    let report = Bulk::new(&client)
        .group()
        .import_group_member(
            ImportGroupMemberRequest::new(&group, Vec::new()),
            items,
            |r| {
                results.lock().unwrap().insert(r.member_account, r.result);
            },
        )
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 5, "{report:?}");
    assert_eq!(failed_accounts(&report), ["ghost0", "ghost1"]);
    assert!(
        report
            .failed
            .iter()
            .all(|f| matches!(f.error, ItemError::Refused { .. })),
        "{report:?}"
    );
    let results = results.into_inner().unwrap();
    assert_eq!(results.get("m0"), Some(&2));
    assert_eq!(results.get("m1"), Some(&1));
    assert_eq!(
        results.get("ghost0"),
        None,
        "failed results do not reach the sink"
    );

    // Added: m5 (1); already a member: m1 (2). Both succeed.
    let items = ["m5", "m1"].into_iter().map(AddGroupMemberItem::new);
    let report = Bulk::new(&client)
        .group()
        .add_group_member(
            AddGroupMemberRequest::new(&group, Vec::new()),
            items,
            |_| {},
        )
        .unwrap();
    assert_accounted(&report);
    assert_eq!(report.succeeded, 2, "{report:?}");
    assert!(report.failed.is_empty(), "{report:?}");
}
