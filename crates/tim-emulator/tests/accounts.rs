//! The accounts family (`im_open_login_svc/*`) keeps state: an account exists once imported,
//! `account_check` says so, `account_delete` removes it (and answers 70107 for one that does
//! not exist).

mod common;

use common::Harness;
use serde_json::json;

#[test]
fn imported_accounts_exist_until_deleted() {
    let h = Harness::start();
    h.ok(
        "im_open_login_svc/account_import",
        json!({"UserID": "ann", "Nick": "Ann"}),
    );
    h.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["bob", "cid"]}),
    );
    assert!(h.emu.state().is_known("ann") && h.emu.state().is_known("cid"));

    let check = h.ok(
        "im_open_login_svc/account_check",
        json!({"CheckItem": [{"UserID": "ann"}, {"UserID": "zed"}]}),
    );
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "Imported");
    assert_eq!(check["ResultItem"][1]["AccountStatus"], "NotImported");

    let deleted = h.ok(
        "im_open_login_svc/account_delete",
        json!({"DeleteItem": [{"UserID": "bob"}, {"UserID": "zed"}]}),
    );
    assert_eq!(deleted["ResultItem"][0]["ResultCode"], 0);
    assert_eq!(deleted["ResultItem"][1]["ResultCode"], 70107);
    assert!(!h.emu.state().is_known("bob"));
    let check = h.ok(
        "im_open_login_svc/account_check",
        json!({"CheckItem": [{"UserID": "bob"}]}),
    );
    assert_eq!(check["ResultItem"][0]["AccountStatus"], "NotImported");
}
