use super::*;

fn kubeconfig(mode: &str) -> Kubeconfig {
    let yaml = format!(
        "apiVersion: v1
kind: Config
users:
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: sso-login
      {mode}
- name: plain
  user:
    token: t
"
    );
    Kubeconfig::from_yaml(&yaml).unwrap()
}

fn mode_of(kc: &Kubeconfig) -> Option<ExecInteractiveMode> {
    let a = kc.auth_infos.iter().find(|a| a.name == "sso").unwrap();
    a.auth_info
        .as_ref()
        .unwrap()
        .exec
        .as_ref()
        .unwrap()
        .interactive_mode
        .clone()
}

#[test]
fn plugins_get_no_terminal_while_the_dashboard_owns_it() {
    for mode in ["interactiveMode: IfAvailable", "interactiveMode: Never", ""] {
        let mut kc = kubeconfig(mode);
        no_terminal_for_plugins(&mut kc, "sso").unwrap();
        assert_eq!(mode_of(&kc), Some(ExecInteractiveMode::Never), "{mode:?}");
    }
    let mut kc = kubeconfig("interactiveMode: Always");
    let e = no_terminal_for_plugins(&mut kc, "sso")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("needs a terminal") && e.contains("log in first"),
        "{e}"
    );
    // Another user's plugin is not touched; a user without one is fine.
    let mut kc = kubeconfig("interactiveMode: Always");
    no_terminal_for_plugins(&mut kc, "plain").unwrap();
    assert_eq!(mode_of(&kc), Some(ExecInteractiveMode::Always));
}

/// 501 contexts and an unknown one: a handful, the closest first, printable.
#[test]
fn an_unknown_context_names_a_few_close_ones() {
    let mut names: Vec<String> = (0..500).map(|i| format!("team-{i:03}")).collect();
    names.push("prod-eu\u{1b}[31m".into());
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    let s = close_matches("team-42", &known);
    assert!(s.starts_with("closest: \"team-420\", \"team-421\""), "{s}");
    assert!(
        s.ends_with("and 496 more: kubectl config get-contexts"),
        "{s}"
    );
    let s = close_matches("prod-e", &known);
    assert!(s.starts_with("closest: \"prod-eu"), "{s}");
    assert!(!s.contains('\u{1b}'), "{s:?}");
    assert_eq!(close_matches("x", &["a", "b"]), "known: \"a\", \"b\"");
}

/// `--kubeconfig /dev/zero` or a FIFO: refused at once, named, not read.
#[test]
fn a_kubeconfig_that_is_no_file_is_refused() {
    let t = Target {
        kubeconfig: Some("/dev/zero".into()),
        ..Target::default()
    };
    let e = read_kubeconfig(&t).unwrap_err().to_string();
    assert!(
        e.contains("/dev/zero") && e.contains("not a regular file"),
        "{e}"
    );
}
