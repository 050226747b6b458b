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
