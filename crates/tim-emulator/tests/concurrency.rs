//! Tens of thousands of calls from a multi-threaded client with keep-alive connections.

mod common;

use std::sync::Arc;

use common::Harness;
use serde_json::json;

#[test]
fn many_threads_many_calls() {
    const THREADS: usize = 8;
    const CALLS: usize = 2_500;
    let h = Arc::new(Harness::with(|c| c.per_second_limit(u32::MAX)));
    let query = h.query();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let h = h.clone();
            let query = query.clone();
            std::thread::spawn(move || {
                for i in 0..CALLS {
                    let (command, body) = if i % 2 == 0 {
                        ("im_add_tag", json!({"UserTags": [{"To_Account": format!("t{t}"), "Tags": [format!("g{}", (i / 2) % 100)]}]}))
                    } else {
                        ("im_get_tag", json!({"To_Account": [format!("t{t}")]}))
                    };
                    let v = h.call_raw(command, &query, &body.to_string());
                    assert_eq!(v["ErrorCode"], 0, "{v}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread");
    }
    let counts = h.emu.state().call_counts();
    assert_eq!(counts.total(), (THREADS * CALLS) as u64);
    assert_eq!(
        counts.endpoint("im_add_tag").ok,
        (THREADS * CALLS / 2) as u64
    );
    for t in 0..THREADS {
        assert_eq!(h.emu.state().tags_of(&format!("t{t}")).len(), 100);
    }
}
