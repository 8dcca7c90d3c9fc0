//! Every callback sample of the spec (copied from the official pages) round-trips through
//! the generated types: each payload through `Event::parse` (so the command's variant is the
//! one that decodes it) and each answer through the command's answer type; the command index
//! holds exactly the spec's commands; the signature example of the spec is what
//! `tim_webhook::sign` computes.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use tim_client::callback::CallbackVisitor;
use tim_spec::{Field, Spec, TypeDef, TypeRef};
use tim_webhook::callbacks::{self, Event};
use tim_webhook::{Answer, Payload};

fn spec() -> Spec {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    Spec::load(&root).unwrap_or_else(|e| panic!("{e}"))
}

fn roundtrip<T: Serialize + DeserializeOwned>(value: &Value) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_value(value.clone())?;
    serde_json::to_value(&typed)
}

/// The sample as the generated types write it back: a `lenient` integer sent as a string of
/// digits comes back as a number.
fn normalized(spec: &Spec, scope: &str, fields: &[Field], value: &Value) -> Value {
    let Value::Object(obj) = value else {
        return value.clone();
    };
    let mut out = obj.clone();
    for (k, v) in out.iter_mut() {
        let Some(f) = fields.iter().find(|f| &f.json == k) else {
            continue;
        };
        if f.lenient
            && let Some(n) = v.as_str().and_then(|s| s.parse::<u64>().ok())
        {
            *v = Value::from(n);
        } else {
            *v = normalized_value(spec, scope, &f.ty, v);
        }
    }
    Value::Object(out)
}

fn normalized_value(spec: &Spec, scope: &str, ty: &TypeRef, v: &Value) -> Value {
    match (ty, v) {
        (TypeRef::Array(t), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|x| normalized_value(spec, scope, t, x))
                .collect(),
        ),
        (TypeRef::Named(n), _) => match spec.type_in(Some(scope), n) {
            Some(TypeDef::Struct(s)) => normalized(spec, scope, &s.fields, v),
            _ => v.clone(),
        },
        _ => v.clone(),
    }
}

type Roundtrip = fn(&Value) -> Result<Value, serde_json::Error>;

/// The answer round trip and the command of the visited payload type.
struct AnswerOf(Option<Roundtrip>, &'static str);

impl CallbackVisitor for AnswerOf {
    fn visit<P: Payload>(&mut self) {
        self.0 = Some(roundtrip::<P::Answer>);
        self.1 = P::INFO.command;
    }
}

#[test]
fn every_callback_sample_round_trips() {
    let spec = spec();
    let answer_envelope = &spec.callback_api.as_ref().expect("callbacks.json").answer;
    let (mut payloads, mut answers) = (0, 0);
    for c in &spec.callbacks {
        let scope = format!("callbacks/{}", c.prefix);
        let mut answer = AnswerOf(None, "");
        assert!(
            callbacks::visit(&c.command, &mut answer),
            "{}: not visited",
            c.command
        );
        assert_eq!(answer.1, c.command);
        for s in &c.samples {
            let name = format!("{} {}", c.command, s.name);
            if let Some(p) = &s.payload {
                let body = serde_json::to_vec(p).unwrap();
                let event = Event::parse(&c.command, &body)
                    .unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
                assert!(!matches!(event, Event::Unknown(_)), "{name}: unknown");
                assert_eq!(event.command(), c.command);
                let back = serde_json::to_value(&event).unwrap();
                assert_eq!(
                    back,
                    normalized(&spec, &scope, &c.payload.fields, p),
                    "{name}: changed by the round trip"
                );
                payloads += 1;
            }
            if let Some(a) = &s.answer {
                let back = (answer.0.unwrap())(a)
                    .unwrap_or_else(|e| panic!("{name}: answer does not decode: {e}"));
                let fields: Vec<Field> = answer_envelope
                    .iter()
                    .chain(&c.answer.fields)
                    .cloned()
                    .collect();
                assert_eq!(
                    back,
                    normalized(&spec, &scope, &fields, a),
                    "{name}: answer changed by the round trip"
                );
                answers += 1;
            }
        }
    }
    assert!(
        payloads >= spec.callbacks.len() / 2,
        "{payloads} payload samples"
    );
    assert!(answers > 0);
}

#[test]
fn the_index_holds_exactly_the_commands_of_the_spec() {
    let spec = spec();
    let mut in_spec: Vec<&str> = spec.callbacks.iter().map(|c| c.command.as_str()).collect();
    in_spec.sort_unstable();
    let index: Vec<&str> = callbacks::ALL.iter().map(|i| i.command).collect();
    assert_eq!(index, in_spec);
    for c in &spec.callbacks {
        let info = callbacks::by_command(&c.command).unwrap();
        assert_eq!(info.doc_url, c.doc_url);
        assert_eq!(info.verdicts.len(), c.verdicts.len());
        assert_eq!(
            info.kind == tim_webhook::CallbackKind::Before,
            c.kind == tim_spec::CallbackKind::Before
        );
    }
    assert!(callbacks::by_command("No.SuchCommand").is_none());
}

#[test]
fn verdict_constructors_answer_their_codes() {
    use tim_webhook::callbacks::c2c::BeforeSendMsgAnswer;
    assert_eq!(BeforeSendMsgAnswer::allow().error_code(), 0);
    assert_eq!(BeforeSendMsgAnswer::refuse().error_code(), 1);
    assert_eq!(BeforeSendMsgAnswer::discard().error_code(), 2);
    let custom = BeforeSendMsgAnswer::custom(120_001, "too loud").unwrap();
    assert_eq!(
        (custom.error_code(), custom.error_info()),
        (120_001, "too loud")
    );
    let err = BeforeSendMsgAnswer::custom(5, "x").unwrap_err();
    assert_eq!(
        err.to_string(),
        "ErrorCode 5 is not allowed for C2C.CallbackBeforeSendMsg: app-chosen codes must be in 120001..=130000"
    );
    assert_eq!(
        tim_webhook::answer_body(&BeforeSendMsgAnswer::ok()),
        br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#
    );
}

#[test]
fn the_signature_example_of_the_spec() {
    let spec = spec();
    let example = spec
        .callback_api
        .unwrap()
        .signature
        .example
        .expect("an example");
    assert_eq!(
        tim_webhook::sign(&example.token, example.request_time),
        example.sign
    );
    // The page's printed digest is not what its formula gives (recorded in the spec).
    if let Some(documented) = &example.documented_sign {
        assert_ne!(documented, &example.sign);
        assert!(!tim_webhook::verify(
            &example.token,
            example.request_time,
            documented
        ));
    }
}

/// The message-format page prints the voice, file and video elements that 2.X and 3.X client
/// SDKs send (no URL, no download flag); the service hands them to callbacks and history as
/// they were sent. They decode and come back unchanged, while a REST send must carry the
/// URL (`present`), refused before sending with the field named.
#[test]
fn elements_of_older_client_sdks_decode_but_a_rest_send_needs_their_url() {
    use tim_client::Validate;
    use tim_client::common::MsgElement;
    use tim_client::openim::SendMsgRequest;

    // From the page (its `//` comments dropped; the file name without its device path).
    let old = serde_json::json!([
        {"MsgType": "TIMSoundElem", "MsgContent": {"UUID": "305c0201", "Size": 62351, "Second": 1}},
        {"MsgType": "TIMFileElem", "MsgContent": {"UUID": "305c02010", "FileSize": 1773552,
            "FileName": "trim.B75D5F9B-1426-4913-8845-90DD46797FCD.MOV"}},
        {"MsgType": "TIMVideoFileElem", "MsgContent": {
            "VideoUUID": "1400123456_dramon_34ca36be7dd214dc50a49238ef80a6b5",
            "VideoSize": 1194603, "VideoSecond": 5, "VideoFormat": "mp4",
            "ThumbUUID": "1400123456_dramon_893f5a7a4872676ae142c08acd49c18a",
            "ThumbSize": 13907, "ThumbWidth": 720, "ThumbHeight": 1280, "ThumbFormat": "JPG"}}
    ]);
    let body = serde_json::json!({
        "CallbackCommand": "C2C.CallbackAfterSendMsg", "From_Account": "jared",
        "To_Account": "Jonh", "MsgSeq": 48374, "MsgRandom": 2837546, "MsgTime": 1557481126,
        "MsgKey": "48374_2837546_1557481126", "OnlineOnlyFlag": 1, "SendMsgResult": 0,
        "ErrorInfo": "send msg succeed", "UnreadMsgNum": 7, "MsgBody": old
    });
    let event = Event::parse("C2C.CallbackAfterSendMsg", body.to_string().as_bytes())
        .expect("an old SDK's message decodes");
    let Event::C2cAfterSendMsg(payload) = event else {
        panic!("decoded as {event:?}");
    };
    assert_eq!(serde_json::to_value(&payload.msg_body).unwrap(), old);

    // The same elements in a REST send: refused before sending, naming the field.
    let elements: Vec<MsgElement> = serde_json::from_value(old).unwrap();
    for (i, element) in elements.into_iter().enumerate() {
        let request = SendMsgRequest::new("bob", vec![element]);
        let err = request.validate().unwrap_err();
        assert!(
            err.field.starts_with("MsgBody[0].MsgContent."),
            "{i}: {err}"
        );
        assert!(err.field.ends_with("Url"), "{i}: {err}");
        assert!(err.to_string().contains("must be present"), "{i}: {err}");
    }
}
