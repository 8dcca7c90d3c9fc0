//! Client-side rate limiting as seen by the server: never more calls in a window than the
//! limit, shared by all clones of a client. (No assertions on how fast calls go.)

mod support;

use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::*;
use tim_client::Throttle;

/// The largest number of arrivals within any half-open window `[a, a + window)`.
fn max_in_window(arrivals: &[Instant], window: Duration) -> usize {
    (0..arrivals.len())
        .map(|i| {
            arrivals[i..]
                .iter()
                .take_while(|b| b.duration_since(arrivals[i]) < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn arrivals(server: &Server) -> Vec<Instant> {
    server.seen().iter().map(|s| s.at).collect()
}

#[test]
fn spec_limit_of_100_per_second_is_never_exceeded_across_clones() {
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server).build().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            thread::spawn(move || {
                for _ in 0..55 {
                    client.send(&Accounts::of(&["a"])).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let arrivals = arrivals(&server);
    assert_eq!(arrivals.len(), 220);
    let max = max_in_window(&arrivals, Duration::from_secs(1));
    assert!(max <= 100, "{max} calls within one second");
}

#[test]
fn overrides_replace_the_spec_limit() {
    let server = Server::start(|_, _| Reply::ok());
    let window = Duration::from_millis(200);
    let client = builder(&server)
        .throttle(&SAFE, [Throttle::new(3, window)])
        .build()
        .unwrap();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let client = client.clone();
            thread::spawn(move || {
                for _ in 0..5 {
                    client.send(&Accounts::of(&["a"])).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let arrivals = arrivals(&server);
    assert_eq!(arrivals.len(), 15);
    let max = max_in_window(&arrivals, window);
    assert!(max <= 3, "{max} calls within {window:?}");
}

#[test]
fn min_interval_keeps_calls_strictly_apart() {
    // KEYED documents `min_interval_ms: 300`.
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server).build().unwrap();
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let client = client.clone();
            thread::spawn(move || {
                for j in 0..2 {
                    client
                        .send(&Keyed {
                            msg_random: i * 10 + j,
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let arrivals = arrivals(&server);
    assert_eq!(arrivals.len(), 4);
    for pair in arrivals.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(gap > Duration::from_millis(300), "calls only {gap:?} apart");
    }
}

#[test]
fn too_frequent_is_retried_after_a_full_window() {
    let server = Server::start(|n, _| {
        if n == 0 {
            Reply::fail(90024, "too frequent")
        } else {
            Reply::ok()
        }
    });
    let client = builder(&server).build().unwrap();
    let (result, trace) = client.send_traced(&Accounts::of(&["a"]));
    result.unwrap();
    assert_eq!(trace.retries(), 1);
    let arrivals = arrivals(&server);
    assert!(arrivals[1].duration_since(arrivals[0]) >= Duration::from_secs(1));
}

#[test]
fn rate_limiting_can_be_turned_off() {
    // The server holds each call until two calls are in flight at once, which the KEYED
    // endpoint's limit (calls 300 ms apart, one at a time) would never allow.
    let meeting = Arc::new((Mutex::new(0usize), Condvar::new()));
    let server = Server::start(move |_, _| {
        let (count, cond) = &*meeting;
        let mut n = count.lock().unwrap();
        *n += 1;
        cond.notify_all();
        let (n, _) = cond
            .wait_timeout_while(n, Duration::from_secs(5), |n| *n < 2)
            .unwrap();
        if *n >= 2 {
            Reply::ok()
        } else {
            Reply::fail(91000, "calls were not concurrent")
        }
    });
    let client = builder(&server).rate_limiting(false).build().unwrap();
    let threads: Vec<_> = (0..2)
        .map(|i| {
            let client = client.clone();
            thread::spawn(move || client.send(&Keyed { msg_random: i }))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
}

/// No wait is unbounded: a call the rate limiter would hold past the retry policy's
/// `max_elapsed` fails at once with a typed error, and nothing is sent.
#[test]
fn a_rate_limit_wait_past_max_elapsed_fails_with_a_typed_error() {
    let server = Server::start(|_, _| Reply::ok());
    let client = builder(&server)
        .throttle(&SAFE, [Throttle::min_interval(Duration::from_secs(5))])
        .retry_policy(
            tim_client::RetryPolicy::standard().with_max_elapsed(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    client.send(&Accounts::of(&["a"])).unwrap();
    let started = Instant::now();
    let err = client.send(&Accounts::of(&["b"])).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "it did not wait for the 5 s interval"
    );
    match &err {
        tim_client::Error::RateLimitWait { limit, .. } => {
            assert_eq!(*limit, Duration::from_millis(300));
        }
        other => panic!("expected RateLimitWait, got {other:?}"),
    }
    assert!(err.is_before_send());
    assert_eq!(server.seen().len(), 1, "the second call was not sent");
}
