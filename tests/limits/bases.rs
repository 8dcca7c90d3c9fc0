//! The base requests: valid requests reaching the limits no sample of the spec reaches.

use super::*;

/// Attribute names registered before anything else, so that the samples naming attributes
/// (`sex`, `city`, `country`, `Membership Level`) are accepted by the emulator.
pub(crate) fn attr_names() -> Value {
    json!({"AttrNames": {"0": "sex", "1": "city", "2": "country", "3": "Membership Level"}})
}

/// Valid requests reaching the limits no sample of the spec reaches: attribute conditions
/// with `AttrsOr`, push conditions with `TagsNot`, and every message element and offline-push field that has a limit.
pub(crate) fn extra_bases() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "push",
            "tags_not",
            json!({
                "From_Account": "admin", "MsgRandom": 7002,
                "Condition": {"TagsOr": ["a", "b"], "TagsNot": ["c", "d"]},
                "OfflinePushInfo": {"PushFlag": 0, "Title": "t", "Desc": "d"}
            }),
        ),
        (
            "im_push",
            "attrs_or",
            json!({
                "From_Account": "admin", "MsgRandom": 7001, "MsgLifeTime": 60,
                "Condition": {"AttrsOr": {"city": "Shenzhen", "sex": "female"}},
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
            }),
        ),
        (
            "im_push",
            "every_limited_element",
            json!({
                "MsgRandom": 7002,
                "MsgBody": [
                    {"MsgType": "TIMSoundElem", "MsgContent": {
                        "Url": "https://example.com/a.silk", "UUID": "s1", "Size": 1024,
                        "Second": 3, "Download_Flag": 2}},
                    {"MsgType": "TIMImageElem", "MsgContent": {
                        "UUID": "i1", "ImageFormat": 1, "ImageInfoArray": [
                            {"Type": 1, "Size": 1024, "Width": 100, "Height": 80,
                             "URL": "https://example.com/a.jpg"}]}},
                    {"MsgType": "TIMFileElem", "MsgContent": {
                        "Url": "https://example.com/a.txt", "UUID": "f1", "FileSize": 10,
                        "FileName": "a.txt", "Download_Flag": 2}},
                    {"MsgType": "TIMVideoFileElem", "MsgContent": {
                        "VideoUrl": "https://example.com/v.mp4", "VideoUUID": "v1",
                        "VideoSize": 1, "VideoSecond": 1, "VideoFormat": "mp4",
                        "VideoDownloadFlag": 2, "ThumbUrl": "https://example.com/t.jpg",
                        "ThumbUUID": "t1", "ThumbSize": 1, "ThumbWidth": 10, "ThumbHeight": 10,
                        "ThumbFormat": "JPG", "ThumbDownloadFlag": 2}}
                ],
                "OfflinePushInfo": {
                    "PushFlag": 0, "Title": "t", "Desc": "d",
                    "BadgeAddNum": 1, "BadgeSetNum": 5,
                    "AndroidInfo": {"VIVOClassification": 1, "HuaWeiImportance": "NORMAL",
                                    "ExtAsHuaweiIntentParam": 1, "PushStyle": 1,
                                    "OPPOCategory": "IM", "OPPONotifyLevel": 2,
                                    "VIVONotifyType": "4", "HonorImportance": "NORMAL",
                                    "GooglePriority": "high", "MeiZuNoticeMsgType": 1},
                    "ApnsInfo": {"BadgeMode": 1, "MutableContent": 1, "InterruptionLevel": "active",
                                 "LiveActivity": {"LaId": "timpush", "Event": "update",
                                                  "ContentState": {"k1": 1}}},
                    "HarmonyInfo": {"Sound": "alert.mp3", "SoundDuration": 10}
                }
            }),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// The generated request types, reached from an endpoint without a hand-written table.
