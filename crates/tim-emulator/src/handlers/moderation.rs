//! `im_msg_audit_mgr/*` (moderation keyword lists) and `im_msg_audit/*` (on-demand
//! moderation): keywords the app adds are what moderation finds.
//!
//! The app keeps cloud keyword libraries (keywords with an ID and a category, `Label`) and
//! the words of local moderation (a word or a regular expression, replaced or blocking).
//! content_moderation and batch_content_moderation judge a text against both: a text that
//! contains a cloud keyword or a local word is flagged, with the words hit in `Keywords`.
//! The pages are silent on nearly everything else; the choices:
//!
//! - Cloud libraries: the app starts with one library, `LibID`
//!   [`DEFAULT_LIBRARY`], named `{SDKAppID}_default`, `Suggestion` `Block`; a keyword added
//!   to any other non-empty `LibID` creates that library (the console creates libraries, the
//!   REST API has no call for it). get_cloud_audit_keywords_ids lists them in creation order.
//! - A keyword already in its library is not added twice; keyword IDs are decimal numbers
//!   from 10000001 (the pages' IDs are 8-digit numbers); `CreateTime` is UTC,
//!   `YYYY-MM-DD HH:MM:SS` (the get page's form). get_cloud_audit_keywords with `Content`
//!   returns the keywords containing it (the "fuzzy match"), else pages through the library
//!   by `Offset` and `Limit`; an unknown library has no keywords. delete_cloud_audit_keywords
//!   answers `Deleted` false with an `ErrorInfo` for a keyword not in the library.
//! - Local words: IDs from 1; `WordType` 1 (word) and `FilterType` 2 (block) when absent;
//!   a word already listed is updated, not added twice; delete_local_audit_keywords deletes
//!   the words named by `Id` or else by `Keyword` (unknown ones are ignored);
//!   get_local_audit_keywords filters by `FilterType` (0 or absent: all) and by `Keyword`
//!   (contained), pages by `Offset` and `Limit` (100 when absent), in the order the words
//!   were added; `UpdateTime` has the cloud keywords' form. Regular expressions
//!   (`WordType` 2) are kept and listed but never match: the emulator has no regex engine.
//! - Judging a text (case-sensitive substring match): a hit of a blocking word or of a
//!   cloud keyword is `Block`, a hit of only replacing local words (`FilterType` 1) is
//!   `Review`, both with `Score` 100 and `Label` the first cloud keyword's category (or
//!   `Illegal` for a local word or a keyword without one); no hit is `Pass`, `Score` 0,
//!   `Label` `Normal`. Images are always `Pass` (the emulator sees no pixels); audio and
//!   video are answered with a `RequestId` only (their results come through a webhook the
//!   emulator does not send). In batch_content_moderation (whose items the spec limits to
//!   `Text` and `Image`) an item whose `ContentId` repeats an earlier one gets the family's
//!   bad-body code (60003) in its `ErrorCode`.
//! - `SdkAppId` in the keyword calls is not compared with the app's; `RequestId` is a
//!   UUID-shaped counter.

use tim_model::ErrorCode;
use tim_model::audit_keywords::{
    AddCloudAuditKeywordsRequest, AddCloudAuditKeywordsResponse, AddLocalAuditKeywordsRequest,
    AddLocalAuditKeywordsResponse, CloudKeyword as CloudKeywordOut,
    DeleteCloudAuditKeywordsRequest, DeleteCloudAuditKeywordsResponse,
    DeleteLocalAuditKeywordsRequest, DeleteLocalAuditKeywordsResponse, DeletedKeyword,
    GetCloudAuditKeywordsIdsRequest, GetCloudAuditKeywordsIdsResponse,
    GetCloudAuditKeywordsRequest, GetCloudAuditKeywordsResponse, GetLocalAuditKeywordsRequest,
    GetLocalAuditKeywordsResponse, KeywordLibrary as LibraryOut, LocalAuditWord,
};
use tim_model::moderation::{
    BatchContentModerationRequest, BatchContentModerationResponse, ContentModerationRequest,
    ContentModerationResponse, ModerationResult,
};

use crate::call::Call;
use crate::generated::{audit_keywords as keywords_surface, moderation as moderation_surface};
use crate::reply::ApiError;
use crate::state::Store;
use crate::state::ops::{CloudKeyword, KeywordLibrary, LocalWord, utc_datetime};

/// The `LibID` of the library every app starts with.
pub(crate) const DEFAULT_LIBRARY: &str = "00000000-0000-4000-8000-000000000001";
/// The first cloud keyword ID.
const FIRST_KEYWORD_ID: u64 = 10_000_001;
/// Local words per page when `Limit` is absent.
const DEFAULT_LOCAL_PAGE: usize = 100;
const WORD: u32 = 1;
const REGEX: u32 = 2;
const REPLACE: u32 = 1;
const BLOCK: u32 = 2;

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a clock time in ms.
fn datetime(ms: u64) -> String {
    utc_datetime(ms / 1000)
}

/// A fresh UUID-shaped `RequestId`.
fn request_id(store: &mut Store) -> String {
    store.ops.moderation_requests += 1;
    let n = store.ops.moderation_requests;
    format!("00000000-0000-4000-8000-{n:012x}")
}

fn ensure_default_library(store: &mut Store) {
    if store.ops.libraries.is_empty() {
        store.ops.libraries.push(KeywordLibrary {
            id: DEFAULT_LIBRARY.to_owned(),
            created_ms: 0,
        });
    }
}

fn count(n: usize) -> Option<u32> {
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

/// `im_msg_audit_mgr/*` (see the module docs).
pub(crate) struct AuditKeywordsFamily;

impl keywords_surface::Behaviour for AuditKeywordsFamily {
    fn get_cloud_audit_keywords_ids(
        &self,
        call: &Call<'_>,
        req: GetCloudAuditKeywordsIdsRequest,
    ) -> Result<GetCloudAuditKeywordsIdsResponse, ApiError> {
        let sdkappid = call.svc.sdkappid;
        Ok(call.svc.with_store(|store| {
            ensure_default_library(store);
            let libs = &store.ops.libraries;
            let infos = libs
                .iter()
                .skip(req.offset as usize)
                .take(req.limit as usize)
                .map(|lib| {
                    let mut out = LibraryOut::default();
                    out.id = lib.id.clone();
                    out.lib_name = Some(if lib.id == DEFAULT_LIBRARY {
                        format!("{sdkappid}_default")
                    } else {
                        lib.id.clone()
                    });
                    out.describe = Some(String::new());
                    out.create_time = Some(datetime(lib.created_ms));
                    out.suggestion = Some("Block".to_owned());
                    out
                })
                .collect();
            let mut resp = GetCloudAuditKeywordsIdsResponse::default();
            resp.total_count = count(libs.len());
            resp.infos = Some(infos);
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn add_cloud_audit_keywords(
        &self,
        call: &Call<'_>,
        req: AddCloudAuditKeywordsRequest,
    ) -> Result<AddCloudAuditKeywordsResponse, ApiError> {
        if let Some(empty) = req.user_keywords.iter().position(|k| k.content.is_empty()) {
            return Err(ApiError::new(
                call.bad_body(),
                format!("UserKeywords[{empty}].Content is empty"),
            ));
        }
        Ok(call.svc.with_store(|store| {
            ensure_default_library(store);
            if !store.ops.libraries.iter().any(|l| l.id == req.lib_id) {
                store.ops.libraries.push(KeywordLibrary {
                    id: req.lib_id.clone(),
                    created_ms: call.now_ms,
                });
            }
            for k in &req.user_keywords {
                let listed = store
                    .ops
                    .cloud_keywords
                    .iter_mut()
                    .find(|c| c.lib_id == req.lib_id && c.content == k.content);
                match listed {
                    Some(c) => {
                        if k.label.is_some() {
                            c.label.clone_from(&k.label);
                        }
                    }
                    None => {
                        let id = FIRST_KEYWORD_ID + store.ops.cloud_keywords_added;
                        store.ops.cloud_keywords_added += 1;
                        store.ops.cloud_keywords.push(CloudKeyword {
                            id: id.to_string(),
                            lib_id: req.lib_id.clone(),
                            content: k.content.clone(),
                            label: k.label.clone(),
                            created_ms: call.now_ms,
                        });
                    }
                }
            }
            let mut resp = AddCloudAuditKeywordsResponse::default();
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn get_cloud_audit_keywords(
        &self,
        call: &Call<'_>,
        req: GetCloudAuditKeywordsRequest,
    ) -> Result<GetCloudAuditKeywordsResponse, ApiError> {
        let filter = req.content.as_deref().filter(|c| !c.is_empty());
        Ok(call.svc.with_store(|store| {
            let matching: Vec<&CloudKeyword> = store
                .ops
                .cloud_keywords
                .iter()
                .filter(|k| k.lib_id == req.lib_id)
                .filter(|k| filter.is_none_or(|f| k.content.contains(f)))
                .collect();
            let infos = matching
                .iter()
                .skip(req.offset as usize)
                .take(req.limit as usize)
                .map(|k| {
                    let mut out = CloudKeywordOut::default();
                    out.id = k.id.clone();
                    out.content = Some(k.content.clone());
                    out.create_time = Some(datetime(k.created_ms));
                    out
                })
                .collect();
            let total = matching.len();
            let mut resp = GetCloudAuditKeywordsResponse::default();
            resp.total_count = count(total);
            resp.infos = Some(infos);
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn delete_cloud_audit_keywords(
        &self,
        call: &Call<'_>,
        req: DeleteCloudAuditKeywordsRequest,
    ) -> Result<DeleteCloudAuditKeywordsResponse, ApiError> {
        Ok(call.svc.with_store(|store| {
            let mut deleted = 0;
            let details = req
                .keywords
                .iter()
                .map(|word| {
                    let mut d = DeletedKeyword::default();
                    d.keyword = Some(word.clone());
                    let at = store
                        .ops
                        .cloud_keywords
                        .iter()
                        .position(|k| k.lib_id == req.lib_id && &k.content == word);
                    match at {
                        Some(i) => {
                            let k = store.ops.cloud_keywords.remove(i);
                            deleted += 1;
                            d.keyword_id = Some(k.id);
                            d.deleted = Some(true);
                            d.error_info = Some(String::new());
                        }
                        None => {
                            d.deleted = Some(false);
                            d.error_info =
                                Some(format!("{word:?} is not in the library {:?}", req.lib_id));
                        }
                    }
                    d
                })
                .collect();
            let mut resp = DeleteCloudAuditKeywordsResponse::default();
            resp.details = Some(details);
            resp.count = count(deleted);
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn add_local_audit_keywords(
        &self,
        call: &Call<'_>,
        req: AddLocalAuditKeywordsRequest,
    ) -> Result<AddLocalAuditKeywordsResponse, ApiError> {
        for (i, w) in req.local_audit_words.iter().enumerate() {
            if w.keyword.as_deref().unwrap_or_default().is_empty() {
                return Err(ApiError::new(
                    call.bad_body(),
                    format!("LocalAuditWords[{i}].Keyword is missing or empty"),
                ));
            }
            if w.word_type.is_some_and(|t| t != WORD && t != REGEX) {
                return Err(ApiError::new(
                    call.bad_body(),
                    format!("LocalAuditWords[{i}].WordType must be 1 or 2"),
                ));
            }
            if w.filter_type.is_some_and(|t| t != REPLACE && t != BLOCK) {
                return Err(ApiError::new(
                    call.bad_body(),
                    format!("LocalAuditWords[{i}].FilterType must be 1 or 2"),
                ));
            }
        }
        Ok(call.svc.with_store(|store| {
            for w in &req.local_audit_words {
                let keyword = w.keyword.clone().unwrap_or_default();
                let word_type = w.word_type.unwrap_or(WORD);
                let filter_type = w.filter_type.unwrap_or(BLOCK);
                if let Some(listed) = store
                    .ops
                    .local_words
                    .iter_mut()
                    .find(|l| l.keyword == keyword)
                {
                    listed.word_type = word_type;
                    listed.filter_type = filter_type;
                    listed.replaced_content.clone_from(&w.replaced_content);
                    listed.updated_ms = call.now_ms;
                } else {
                    store.ops.local_words_added += 1;
                    store.ops.local_words.push(LocalWord {
                        id: store.ops.local_words_added,
                        keyword,
                        word_type,
                        filter_type,
                        replaced_content: w.replaced_content.clone(),
                        updated_ms: call.now_ms,
                    });
                }
            }
            let mut resp = AddLocalAuditKeywordsResponse::default();
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn delete_local_audit_keywords(
        &self,
        call: &Call<'_>,
        req: DeleteLocalAuditKeywordsRequest,
    ) -> Result<DeleteLocalAuditKeywordsResponse, ApiError> {
        Ok(call.svc.with_store(|store| {
            store.ops.local_words.retain(|l| {
                !req.local_audit_words.iter().any(|w| match w.id {
                    Some(id) => id == l.id,
                    None => w.keyword.as_deref() == Some(l.keyword.as_str()),
                })
            });
            let mut resp = DeleteLocalAuditKeywordsResponse::default();
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn get_local_audit_keywords(
        &self,
        call: &Call<'_>,
        req: GetLocalAuditKeywordsRequest,
    ) -> Result<GetLocalAuditKeywordsResponse, ApiError> {
        let kind = req.filter_type.filter(|t| *t != 0);
        let contains = req.keyword.as_deref().filter(|k| !k.is_empty());
        Ok(call.svc.with_store(|store| {
            let matching: Vec<&LocalWord> = store
                .ops
                .local_words
                .iter()
                .filter(|l| kind.is_none_or(|k| l.filter_type == k))
                .filter(|l| contains.is_none_or(|c| l.keyword.contains(c)))
                .collect();
            let page: Vec<&LocalWord> = matching
                .iter()
                .skip(req.offset.unwrap_or(0) as usize)
                .take(req.limit.map_or(DEFAULT_LOCAL_PAGE, |l| l as usize))
                .copied()
                .collect();
            let regexes =
                |list: &[&LocalWord]| list.iter().filter(|l| l.word_type == REGEX).count();
            let mut resp = GetLocalAuditKeywordsResponse::default();
            resp.total_reg_count = count(regexes(&matching));
            resp.total_count = count(matching.len() - regexes(&matching));
            resp.cur_reg_count = count(regexes(&page));
            resp.cur_count = count(page.len() - regexes(&page));
            resp.local_audit_words = Some(
                page.iter()
                    .map(|l| {
                        let mut out = LocalAuditWord::default();
                        out.id = Some(l.id);
                        out.keyword = Some(l.keyword.clone());
                        out.word_type = Some(l.word_type);
                        out.filter_type = Some(l.filter_type);
                        out.replaced_content.clone_from(&l.replaced_content);
                        out.update_time = Some(datetime(l.updated_ms));
                        out
                    })
                    .collect(),
            );
            resp.request_id = Some(request_id(store));
            resp
        }))
    }
}

/// What judging one text found.
struct Verdict {
    result: &'static str,
    score: u32,
    label: String,
    keywords: Vec<String>,
}

fn judge_text(store: &Store, text: &str) -> Verdict {
    let mut keywords: Vec<String> = Vec::new();
    let mut label: Option<String> = None;
    let mut blocks = false;
    for k in &store.ops.cloud_keywords {
        if text.contains(k.content.as_str()) {
            blocks = true;
            if label.is_none() {
                label = Some(k.label.clone().unwrap_or_else(|| "Illegal".to_owned()));
            }
            if !keywords.contains(&k.content) {
                keywords.push(k.content.clone());
            }
        }
    }
    for l in &store.ops.local_words {
        if l.word_type == WORD && text.contains(l.keyword.as_str()) {
            blocks |= l.filter_type == BLOCK;
            if !keywords.contains(&l.keyword) {
                keywords.push(l.keyword.clone());
            }
        }
    }
    if keywords.is_empty() {
        Verdict {
            result: "Pass",
            score: 0,
            label: "Normal".to_owned(),
            keywords,
        }
    } else {
        Verdict {
            result: if blocks { "Block" } else { "Review" },
            score: 100,
            label: label.unwrap_or_else(|| "Illegal".to_owned()),
            keywords,
        }
    }
}

fn pass() -> Verdict {
    Verdict {
        result: "Pass",
        score: 0,
        label: "Normal".to_owned(),
        keywords: Vec::new(),
    }
}

/// `im_msg_audit/*` (see the module docs).
pub(crate) struct ModerationFamily;

impl moderation_surface::Behaviour for ModerationFamily {
    fn content_moderation(
        &self,
        call: &Call<'_>,
        req: ContentModerationRequest,
    ) -> Result<ContentModerationResponse, ApiError> {
        Ok(call.svc.with_store(|store| {
            let verdict = match req.content_type.as_str() {
                "Text" => Some(judge_text(store, &req.content)),
                "Image" => Some(pass()),
                _ => None,
            };
            let mut resp = ContentModerationResponse::default();
            if let Some(v) = verdict {
                resp.result = Some(v.result.to_owned());
                resp.score = Some(v.score);
                resp.label = Some(v.label);
                resp.keywords = Some(v.keywords);
            }
            resp.request_id = Some(request_id(store));
            resp
        }))
    }

    fn batch_content_moderation(
        &self,
        call: &Call<'_>,
        req: BatchContentModerationRequest,
    ) -> Result<BatchContentModerationResponse, ApiError> {
        let bad: ErrorCode = call.bad_body();
        Ok(call.svc.with_store(|store| {
            let mut seen = Vec::new();
            let results = req
                .contents
                .iter()
                .map(|item| {
                    let mut r = ModerationResult::default();
                    r.content_id = Some(item.content_id);
                    r.request_id = Some(request_id(store));
                    let verdict = if seen.contains(&item.content_id) {
                        Err(format!("ContentId {} repeats", item.content_id))
                    } else {
                        match item.content_type.as_str() {
                            "Text" => Ok(judge_text(store, &item.content)),
                            "Image" => Ok(pass()),
                            other => Err(format!(
                                "ContentType {other:?}: only Text and Image (audio and video: \
                                 content_moderation)"
                            )),
                        }
                    };
                    seen.push(item.content_id);
                    match verdict {
                        Ok(v) => {
                            r.error_code = Some(0);
                            r.error_info = Some(String::new());
                            r.result = Some(v.result.to_owned());
                            r.score = Some(v.score);
                            r.label = Some(v.label);
                            r.keywords = Some(v.keywords);
                        }
                        Err(why) => {
                            r.error_code = Some(bad.code());
                            r.error_info = Some(why);
                        }
                    }
                    r
                })
                .collect();
            let mut resp = BatchContentModerationResponse::default();
            resp.audit_results = Some(results);
            resp
        }))
    }
}
