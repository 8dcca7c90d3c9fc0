//! `timpush/*_sched_task`: scheduled push tasks on the emulator's clock.
//!
//! A task has a type (`All`, `Tag` or `User`), a content and a time (`SchedAt`,
//! `YYYY-MM-DD HH:MM:SS` in UTC). It is `pending` until the emulator's clock reaches its
//! time; from then on it is dispatched, and can no longer be modified or deleted (90107,
//! the delete page's code). Every other refusal is the pages' 90104 (invalid parameters):
//! a `Sdkappid` other than the app's, a malformed `SchedAt`, `BeginTime` or `EndTime`, a
//! task that does not exist, a `Type` other than the task's.
//!
//! Choices where the pages are silent:
//!
//! - `SchedAt` must be later than the clock's now; a `User` task needs 1 to 500 accounts in
//!   `Content.To_Account`, a `Tag` task a `Content.Condition` (else 90104).
//! - TaskIDs count from 1; `CreateAt` is UTC in the same form as `SchedAt`; a deleted task
//!   is gone (get_sched_task answers 90104).
//! - A dispatched task has `Status` `dispatched` (the pages name only `pending`),
//!   `DispatchSuccess` 1 and `PushTaskID` `sched-{TaskID}`; a pending one has
//!   `DispatchSuccess` 0 and an empty `PushTaskID`. Dispatching pushes nothing: the
//!   emulator has no push channel, and the other timpush endpoints (pushes, tags,
//!   attributes, statistics, traces, recalls, web push) keep the conformance default.
//! - modify_sched_task on a dispatched task answers 90107 as delete does; a new `SchedAt`
//!   must be later than now.
//! - list_sched_task: `OrderBy` is read case-insensitively (the page's sample sends
//!   `schedat`; anything but `schedat` orders by creation time); `BeginTime` to `EndTime`
//!   (inclusive) filters on the time `OrderBy` names; `Keyword` matches tasks whose
//!   `Title` or `Desc` (of `OfflinePushInfo`) contains it; the configured maximum range in
//!   days is not enforced.

use tim_model::ErrorCode;
use tim_model::timpush::{
    AddSchedTaskRequest, AddSchedTaskResponse, DeleteSchedTaskRequest, DeleteSchedTaskResponse,
    GetSchedTaskRequest, GetSchedTaskResponse, ListSchedTaskRequest, ListSchedTaskResponse,
    ModifySchedTaskRequest, ModifySchedTaskResponse, SchedTaskContent, SchedTaskInfo,
    SchedTaskInfoContent,
};

use crate::call::Call;
use crate::generated::timpush as surface;
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::ops::{SchedTask, parse_utc_datetime, utc_datetime};

/// 90104: invalid parameters.
const INVALID: i64 = 90_104;
/// 90107: the task is no longer pending.
const NOT_PENDING: i64 = 90_107;
const MAX_USERS: usize = 500;

fn invalid(info: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::from_code(INVALID), info)
}

fn same_app(call: &Call<'_>, sdkappid: u64) -> Result<(), ApiError> {
    if sdkappid == u64::from(call.svc.sdkappid) {
        Ok(())
    } else {
        Err(invalid(format!(
            "Sdkappid {sdkappid} is not this app's ({})",
            call.svc.sdkappid
        )))
    }
}

/// A `SchedAt` later than now, in UNIX seconds.
fn future(call: &Call<'_>, field: &str, at: &str) -> Result<u64, ApiError> {
    let secs = parse_utc_datetime(at)
        .ok_or_else(|| invalid(format!("{field} {at:?} is not YYYY-MM-DD HH:MM:SS")))?;
    if secs * 1000 <= call.now_ms {
        return Err(invalid(format!("{field} {at:?} is not in the future")));
    }
    Ok(secs)
}

fn check_content(task_type: &str, content: &SchedTaskContent) -> Result<(), ApiError> {
    match task_type {
        "User" => {
            let n = content.to_account.as_ref().map_or(0, Vec::len);
            if n == 0 || n > MAX_USERS {
                return Err(invalid(format!(
                    "a User task needs 1 to {MAX_USERS} accounts in Content.To_Account, got {n}"
                )));
            }
        }
        "Tag" if content.condition.is_none() => {
            return Err(invalid("a Tag task needs Content.Condition"));
        }
        _ => {}
    }
    Ok(())
}

fn pending(task: &SchedTask, now_ms: u64) -> bool {
    task.sched_at.saturating_mul(1000) > now_ms
}

fn find(store: &mut Store, id: u64) -> Result<&mut SchedTask, ApiError> {
    store
        .ops
        .sched_tasks
        .iter_mut()
        .find(|t| t.id == id)
        .ok_or_else(|| invalid(format!("no scheduled task {id}")))
}

fn info(call: &Call<'_>, task: &SchedTask) -> SchedTaskInfo {
    let push = task.content.offline_push_info.as_ref();
    let dispatched = !pending(task, call.now_ms);
    let mut content = SchedTaskInfoContent::default();
    content.from_account = task
        .content
        .from_account
        .as_ref()
        .map(|f| serde_json::Value::String(f.clone()));
    content.msg_random = Some(task.msg_random);
    content.to_account.clone_from(&task.content.to_account);
    content.condition.clone_from(&task.content.condition);
    content
        .offline_push_info
        .clone_from(&task.content.offline_push_info);
    let mut out = SchedTaskInfo::default();
    out.task_id = Some(task.id);
    out.sdkappid = Some(u64::from(call.svc.sdkappid));
    out.create_at = Some(utc_datetime(task.created_ms / 1000));
    out.task_type = Some(task.task_type.clone());
    out.sched_at = Some(utc_datetime(task.sched_at));
    out.content = Some(content);
    out.title = Some(push.and_then(|p| p.title.clone()).unwrap_or_default());
    out.desc = Some(push.and_then(|p| p.desc.clone()).unwrap_or_default());
    out.status = Some(if dispatched { "dispatched" } else { "pending" }.to_owned());
    out.dispatch_success = Some(i64::from(dispatched));
    out.dispatch_err = Some(String::new());
    out.push_task_id = Some(if dispatched {
        format!("sched-{}", task.id)
    } else {
        String::new()
    });
    out
}

/// `timpush/*`: the scheduled tasks (see the module docs); the rest keeps the conformance
/// default.
pub(crate) struct TimpushFamily;

impl surface::Behaviour for TimpushFamily {
    fn add_sched_task(
        &self,
        call: &Call<'_>,
        req: AddSchedTaskRequest,
    ) -> Result<AddSchedTaskResponse, ApiError> {
        same_app(call, req.sdkappid)?;
        let at = future(call, "SchedAt", &req.sched_at)?;
        check_content(&req.task_type, &req.content)?;
        let id = call.svc.with_store(|store| {
            store.ops.sched_tasks_created += 1;
            let id = store.ops.sched_tasks_created;
            store.ops.sched_tasks.push(SchedTask {
                id,
                created_ms: call.now_ms,
                sched_at: at,
                task_type: req.task_type.clone(),
                content: req.content.clone(),
                msg_random: tim_model::new_msg_random(),
            });
            id
        });
        let mut resp = AddSchedTaskResponse::default();
        resp.task_id = Some(id);
        Ok(resp)
    }

    fn get_sched_task(
        &self,
        call: &Call<'_>,
        req: GetSchedTaskRequest,
    ) -> Result<GetSchedTaskResponse, ApiError> {
        same_app(call, req.sdkappid)?;
        call.svc.with_store(|store| {
            let task = find(store, req.task_id)?;
            let mut resp = GetSchedTaskResponse::default();
            resp.task_info = Some(info(call, task));
            Ok(resp)
        })
    }

    fn modify_sched_task(
        &self,
        call: &Call<'_>,
        req: ModifySchedTaskRequest,
    ) -> Result<ModifySchedTaskResponse, ApiError> {
        same_app(call, req.sdkappid)?;
        let at = req
            .sched_at
            .as_deref()
            .map(|at| future(call, "SchedAt", at))
            .transpose()?;
        if let Some(content) = &req.content {
            check_content(&req.task_type, content)?;
        }
        call.svc.with_store(|store| {
            let task = find(store, req.task_id)?;
            if task.task_type != req.task_type {
                return Err(invalid(format!(
                    "task {} is of Type {:?}, not {:?}",
                    task.id, task.task_type, req.task_type
                )));
            }
            if !pending(task, call.now_ms) {
                return Err(ApiError::new(
                    ErrorCode::from_code(NOT_PENDING),
                    format!("task {} is dispatched: it cannot be modified", task.id),
                ));
            }
            if let Some(at) = at {
                task.sched_at = at;
            }
            if let Some(content) = &req.content {
                task.content = content.clone();
            }
            Ok(ModifySchedTaskResponse::default())
        })
    }

    fn delete_sched_task(
        &self,
        call: &Call<'_>,
        req: DeleteSchedTaskRequest,
    ) -> Result<DeleteSchedTaskResponse, ApiError> {
        same_app(call, req.sdkappid)?;
        call.svc.with_store(|store| {
            let task = find(store, req.task_id)?;
            if task.task_type != req.task_type {
                return Err(invalid(format!(
                    "task {} is of Type {:?}, not {:?}",
                    task.id, task.task_type, req.task_type
                )));
            }
            if !pending(task, call.now_ms) {
                return Err(ApiError::new(
                    ErrorCode::from_code(NOT_PENDING),
                    "delete failed: task dispatching",
                ));
            }
            store.ops.sched_tasks.retain(|t| t.id != req.task_id);
            let mut resp = DeleteSchedTaskResponse::default();
            resp.task_id = Some(req.task_id);
            Ok(resp)
        })
    }

    fn list_sched_task(
        &self,
        call: &Call<'_>,
        req: ListSchedTaskRequest,
    ) -> Result<ListSchedTaskResponse, ApiError> {
        same_app(call, req.sdkappid)?;
        let parse = |field: &str, s: &str| {
            parse_utc_datetime(s)
                .ok_or_else(|| invalid(format!("{field} {s:?} is not YYYY-MM-DD HH:MM:SS")))
        };
        let begin = parse("BeginTime", &req.begin_time)?;
        let end = parse("EndTime", &req.end_time)?;
        if begin > end {
            return Err(invalid("BeginTime is after EndTime"));
        }
        let by_sched = req.order_by.eq_ignore_ascii_case("schedat");
        let keyword = req.keyword.as_deref().filter(|k| !k.is_empty());
        call.svc.with_store(|store| {
            let key = |t: &SchedTask| {
                if by_sched {
                    (t.sched_at, t.id)
                } else {
                    (t.created_ms / 1000, t.id)
                }
            };
            let mut matching: Vec<&SchedTask> = store
                .ops
                .sched_tasks
                .iter()
                .filter(|t| (begin..=end).contains(&key(t).0))
                .filter(|t| {
                    keyword.is_none_or(|k| {
                        t.content.offline_push_info.as_ref().is_some_and(|p| {
                            p.title.as_deref().is_some_and(|x| x.contains(k))
                                || p.desc.as_deref().is_some_and(|x| x.contains(k))
                        })
                    })
                })
                .collect();
            matching.sort_by_key(|t| key(t));
            if !req.asc {
                matching.reverse();
            }
            let mut resp = ListSchedTaskResponse::default();
            resp.total = Some(matching.len() as u64);
            resp.tasks = Some(
                matching
                    .into_iter()
                    .skip(req.offset as usize)
                    .take(req.want as usize)
                    .map(|t| info(call, t))
                    .collect(),
            );
            Ok(resp)
        })
    }
}
