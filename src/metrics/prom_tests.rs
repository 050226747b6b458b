//! Tests of the Prometheus client: response parsing, secrets, auth resolution, bad input.

use super::*;
use crate::endpoint::resolve_auth;

pub(super) fn cfg(timeout_secs: f64) -> PrometheusConfig {
    PrometheusConfig {
        timeout_secs,
        ..PrometheusConfig::default()
    }
}

pub(super) fn vector_body() -> &'static str {
    r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"model":"gpt-4.1"},"value":[1800000000.123,"12.5"]},
        {"metric":{"model":"deepseek-v3.2"},"value":[1800000000.123,"NaN"]},
        {"metric":{},"value":[1800000000.123,"+Inf"]},
        {"metric":{"x":"y"},"value":[1800000000.123,"-Inf"]}]}}"#
}

#[test]
fn parses_vector_with_special_values() {
    let s = parse_response(200, vector_body().as_bytes()).unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(
        s[0].labels.get("model").map(String::as_str),
        Some("gpt-4.1")
    );
    assert_eq!(s[0].value, 12.5);
    assert!(s[1].value.is_nan());
    assert_eq!(s[2].value, f64::INFINITY);
    assert!(s[2].labels.is_empty());
    assert_eq!(s[3].value, f64::NEG_INFINITY);
}

#[test]
fn parses_scalar_and_empty_vector() {
    let s = parse_response(
        200,
        br#"{"status":"success","data":{"resultType":"scalar","result":[1800000000,"0.042"]}}"#,
    )
    .unwrap();
    assert_eq!(
        s,
        vec![Sample {
            labels: BTreeMap::new(),
            value: 0.042
        }]
    );
    let s = parse_response(
        200,
        br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
    )
    .unwrap();
    assert!(s.is_empty());
}

#[test]
fn parses_error_body_whatever_the_status() {
    let body = br#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}"#;
    for status in [400, 422, 503, 200] {
        assert_eq!(
            parse_response(status, body),
            Err(QueryError::Prometheus {
                error_type: "bad_data".into(),
                error: "1:5: parse error: unexpected end of input".into(),
            })
        );
    }
}

#[test]
fn http_errors_and_garbage() {
    assert_eq!(
        parse_response(500, b""),
        Err(QueryError::Http(500, String::new()))
    );
    assert_eq!(
        parse_response(502, b"<html>Bad Gateway</html>"),
        Err(QueryError::Http(502, "<html>Bad Gateway</html>".into()))
    );
    assert!(matches!(
        parse_response(200, b"<html>"),
        Err(QueryError::Decode(_))
    ));
    let matrix = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
    assert!(
        matches!(parse_response(200, matrix), Err(QueryError::Decode(e)) if e.contains("matrix"))
    );
    let bad = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}"#;
    assert!(matches!(parse_response(200, bad), Err(QueryError::Decode(e)) if e.contains("abc")));
    assert!(parse_value("1e3") == Some(1000.0) && parse_value("x").is_none());
}

#[test]
fn secret_never_prints() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?} {s}"), "*** ***");
    assert_eq!(s.expose(), "hunter2");
}

#[test]
fn authorization_header_is_sensitive_and_never_names_the_secret() {
    let basic = Auth::Basic {
        user: "admin".into(),
        password: Secret::new("pa55word"),
    };
    let h = basic.header().unwrap().unwrap();
    // base64("admin:pa55word"), as reqwest's basic_auth wrote it.
    assert_eq!(h.to_str().unwrap(), "Basic YWRtaW46cGE1NXdvcmQ=");
    assert!(h.is_sensitive());
    assert!(!format!("{h:?}").contains("YWRt"));
    let bearer = Auth::Bearer(Secret::new("tok-S3CRET"));
    assert_eq!(
        bearer.header().unwrap().unwrap().to_str().unwrap(),
        "Bearer tok-S3CRET"
    );
    assert_eq!(Auth::None.header(), Ok(None));
    let bad = Auth::Bearer(Secret::new("tok\nS3CRET"));
    assert_eq!(bad.header(), Err("the bearer token"));
}

#[test]
fn auth_resolution() {
    let cfg = PrometheusConfig::default();
    assert!(matches!(
        resolve_auth(&cfg.endpoint(), None),
        Ok(Auth::None)
    ));
    assert!(matches!(
        resolve_auth(&cfg.endpoint(), Some("  ".into())),
        Ok(Auth::None)
    ));
    let Ok(Auth::Bearer(t)) = resolve_auth(&cfg.endpoint(), Some(" env-tok\n".into())) else {
        panic!("env token not used")
    };
    assert_eq!(t.expose(), "env-tok");

    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pa55word\n").unwrap();
    let cfg = PrometheusConfig {
        basic_auth_user: Some("admin".into()),
        basic_auth_password_file: Some(pw.clone()),
        ..PrometheusConfig::default()
    };
    let auth = resolve_auth(&cfg.endpoint(), Some("env-tok".into())).unwrap();
    assert!(
        matches!(&auth, Auth::Basic { user, password } if user == "admin" && password.expose() == "pa55word")
    );
    assert_eq!(format!("{auth:?}"), "Basic(admin:***)");

    let both = PrometheusConfig {
        bearer_token_file: Some(pw.clone()),
        ..cfg.clone()
    };
    assert!(
        resolve_auth(&both.endpoint(), None)
            .unwrap_err()
            .to_string()
            .contains("not both")
    );
    let missing = PrometheusConfig {
        bearer_token_file: Some(dir.path().join("nope")),
        ..PrometheusConfig::default()
    };
    assert!(
        resolve_auth(&missing.endpoint(), None)
            .unwrap_err()
            .to_string()
            .contains("cannot read prometheus bearer token file")
    );
}

#[test]
fn bad_urls_and_ca_files() {
    assert!(PromClient::new("localhost:9090", &cfg(1.0)).is_err());
    assert!(
        PromClient::new("ftp://x", &cfg(1.0))
            .unwrap_err()
            .to_string()
            .contains("http or https")
    );
    let c = PromClient::new("http://user:pw-XYZ@127.0.0.1:9", &cfg(1.0)).unwrap();
    assert!(!format!("{c:?}").contains("pw-XYZ") && !c.url().contains("pw-XYZ"));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a cert").unwrap();
    let e = PromClient::new(
        "https://127.0.0.1:9",
        &PrometheusConfig {
            ca_file: Some(ca),
            ..cfg(1.0)
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("ca.pem"), "{e}");
}

#[test]
fn thousands_of_series_are_refused_before_they_are_decoded() {
    let one = r#"{"metric":{"model":"m"},"value":[1,"1"]}"#;
    let body = |n: usize| {
        format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
            vec![one; n].join(",")
        )
    };
    assert_eq!(
        parse_response(200, body(MAX_SERIES).as_bytes()).map(|v| v.len()),
        Ok(MAX_SERIES)
    );
    let e = parse_response(200, body(MAX_SERIES + 1).as_bytes()).unwrap_err();
    assert!(e.to_string().contains("2001 series in one answer"), "{e}");
}
