use super::*;

#[test]
fn escape_sequences_and_controls_are_removed() {
    let cases = [
        ("\u{1b}[2Jcleared", "cleared"),
        ("a\u{1b}[1;31mred\u{1b}[0m b", "ared b"),
        ("\u{1b}]0;pwned\u{7}title", "title"),
        ("\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\", "link"),
        ("one\ntwo\rthree\tfour", "one two three four"),
        ("bell\u{7}nul\u{0}del\u{7f}", "bellnuldel"),
        ("\u{9b}31mc1", "c1"),
        ("\u{1b}(Bcharset", "charset"),
        ("rtl\u{202e}txt", "rtltxt"),
        ("plain: ünïcode — ok", "plain: ünïcode — ok"),
        ("dangling\u{1b}", "dangling"),
        ("\u{1b}[", ""),
    ];
    for (input, want) in cases {
        assert_eq!(printable(input), want, "{input:?}");
        assert!(!printable(input).chars().any(|c| c.is_control()));
    }
}

#[test]
fn reports_keep_their_lines() {
    assert_eq!(
        printable_lines("status: healthy\n\u{1b}[1Astatus: UNHEALTHY\n"),
        "status: healthy\nstatus: UNHEALTHY\n"
    );
}

#[test]
fn url_credentials_are_masked() {
    assert_eq!(
        redact_urls("proxy http://bob:s3cret@proxy:3128/ refused; see https://docs/x"),
        "proxy http://***@proxy:3128/ refused; see https://docs/x"
    );
    assert_eq!(
        redact_urls("\"socks5://u:p%40ss@h:1080\""),
        "\"socks5://***@h:1080\""
    );
    assert_eq!(redact_urls("no url here"), "no url here");
    assert_eq!(
        redact_urls("mailto-like a@b, http://host"),
        "mailto-like a@b, http://host"
    );
}

#[test]
fn token_looking_words_are_scrubbed() {
    let s = scrub_tokens(
        "error: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig expired; Bearer abcdefgh12345 refused; see docs/login for help",
    );
    assert!(!s.contains("eyJ") && !s.contains("abcdefgh12345"), "{s}");
    assert!(
        s.contains("expired") && s.contains("see docs/login for help"),
        "{s}"
    );
    assert_eq!(scrub_tokens("id=0123456789abcdef0123456789abcdef"), "***");
    assert_eq!(
        scrub_tokens("login failed: no browser"),
        "login failed: no browser"
    );
}
