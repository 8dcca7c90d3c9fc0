//! At scale: a bulk job at full speed stays within the emulator's enforced rate limit, and
//! several threads sharing one client make tens of thousands of calls without losing or
//! doubling a write.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use common::*;
use tim_client::all_member_push::*;
use tim_client::bulk::Bulk;
use tim_client::{Throttle, all_member_push};
use tim_emulator::{Emulator, Fault, FaultRule};

#[test]
fn a_bulk_job_at_full_speed_is_never_rate_limited() {
    // The emulator enforces the spec's 100 calls/s per endpoint on the real clock.
    let emu = emulator();
    let client = client(&emu);
    let users = accounts("s", 2_500);
    // Batches of 10 to make 250 calls per job: 2.5 times the per-second limit.
    let items = users.iter().map(|a| UserTagsToAdd::new(a.clone(), ["x"]));
    let report = Bulk::new(&client)
        .workers(4)
        .batch_size(10)
        .all_member_push()
        .add_tag(items)
        .unwrap();
    assert_eq!(
        (report.succeeded, report.accounted()),
        (2_500, 2_500),
        "{:?}",
        report.failed.first()
    );
    assert_eq!(report.requests, 250);
    assert_eq!(report.retries, 0);
    let got = AtomicU64::new(0);
    let report = Bulk::new(&client)
        .workers(4)
        .batch_size(10)
        .all_member_push()
        .get_tag(users.iter().cloned(), |u| {
            assert_eq!(u.tags, ["x"], "{}", u.to_account);
            got.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(report.succeeded, 2_500);
    assert_eq!(got.into_inner(), 2_500);
    let counts = emu.state().call_counts();
    for endpoint in ["im_add_tag", "im_get_tag"] {
        let c = counts.endpoint(endpoint);
        assert_eq!(c.rate_limited, 0, "{endpoint}: {c:?}");
        assert_eq!((c.received, c.ok), (250, 250), "{endpoint}: {c:?}");
    }
}

/// One call of the load test.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Get,
    Remove,
}

fn plan(thread: usize, i: usize) -> (Op, String, String) {
    let op = match i % 3 {
        0 => Op::Add,
        1 => Op::Get,
        _ => Op::Remove,
    };
    // Each thread has its own accounts, so the expected final state is deterministic.
    let account = format!("load{thread}_{}", i % 40);
    let tag = format!("t{}", (i * 7) % 23);
    (op, account, tag)
}

#[test]
fn threads_sharing_one_client_lose_and_double_nothing() {
    const THREADS: usize = 4;
    const CALLS: usize = 5_000;
    // 20,000 calls at the documented 100 calls/s per endpoint would take over a minute: for
    // this test the emulator allows 5,000 calls/s per endpoint and the client is configured
    // to the same limit (its limiter is conservative, so it never exceeds it).
    const PER_SECOND: u32 = 5_000;
    let emu = Emulator::start(config().per_second_limit(PER_SECOND)).unwrap();
    // The injected faults below arrive in bursts (each call takes the next armed fault):
    // enough attempts that no call can run out of them, so every fault is retried.
    let mut b = builder(&emu).retry_policy(quick_retries().with_max_attempts(16));
    for e in [
        &all_member_push::ADD_TAG,
        &all_member_push::GET_TAG,
        &all_member_push::REMOVE_TAG,
    ] {
        b = b.throttle(e, [Throttle::per_second(PER_SECOND)]);
    }
    let client = b.build().unwrap();
    // Injected faults the client retries: they must not show as errors.
    const INJECTED: u64 = 30;
    for (i, e) in ["im_add_tag", "im_get_tag", "im_remove_tag"]
        .into_iter()
        .enumerate()
    {
        let fault = if i == 1 {
            Fault::BadGateway
        } else {
            Fault::Code(91000)
        };
        for _ in 0..INJECTED / 3 {
            emu.faults().inject(FaultRule::new(fault.clone()).only(e));
        }
    }

    let retries = AtomicU64::new(0);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let client = client.clone();
            let retries = &retries;
            s.spawn(move || {
                for i in 0..CALLS {
                    let (op, account, tag) = plan(t, i);
                    let trace = match op {
                        Op::Add => {
                            let r = AddTagRequest::new(vec![UserTagsToAdd::new(account, [tag])]);
                            let (res, trace) = client.send_traced(&r);
                            res.unwrap_or_else(|e| panic!("thread {t} call {i}: {e}"));
                            trace
                        }
                        Op::Get => {
                            let r = GetTagRequest::new(vec![account]);
                            let (res, trace) = client.send_traced(&r);
                            res.unwrap_or_else(|e| panic!("thread {t} call {i}: {e}"));
                            trace
                        }
                        Op::Remove => {
                            let r = RemoveTagRequest::new(vec![UserTags::new(account, [tag])]);
                            let (res, trace) = client.send_traced(&r);
                            res.unwrap_or_else(|e| panic!("thread {t} call {i}: {e}"));
                            trace
                        }
                    };
                    retries.fetch_add(trace.retries() as u64, Ordering::Relaxed);
                }
            });
        }
    });

    // Expected state: replay each thread's calls in order with the documented semantics
    // (add appends a tag the account lacks, remove deletes it).
    let mut want: HashMap<String, Vec<String>> = HashMap::new();
    let mut per_op = [0u64; 3];
    for t in 0..THREADS {
        for i in 0..CALLS {
            let (op, account, tag) = plan(t, i);
            let tags = want.entry(account).or_default();
            match op {
                Op::Add => {
                    per_op[0] += 1;
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
                Op::Get => per_op[1] += 1,
                Op::Remove => {
                    per_op[2] += 1;
                    tags.retain(|x| *x != tag);
                }
            }
        }
    }
    for (account, tags) in &want {
        assert_eq!(&emu.state().tags_of(account), tags, "{account}");
    }
    assert_eq!(
        retries.into_inner(),
        INJECTED,
        "one retry per injected fault"
    );
    let counts = emu.state().call_counts();
    let mut faulted = 0;
    for (endpoint, calls) in ["im_add_tag", "im_get_tag", "im_remove_tag"]
        .into_iter()
        .zip(per_op)
    {
        let c = counts.endpoint(endpoint);
        // Each call succeeded exactly once: nothing lost, nothing applied twice.
        assert_eq!(c.ok, calls, "{endpoint}: {c:?}");
        assert_eq!(c.received, calls + c.faulted, "{endpoint}: {c:?}");
        assert_eq!((c.failed, c.rate_limited), (0, 0), "{endpoint}: {c:?}");
        faulted += c.faulted;
    }
    assert_eq!(faulted, INJECTED);
}
