//! Which contexts the fleet watches: `--all-contexts`, `--contexts a,b,prod-*` (names or
//! globs), else `[fleet] contexts`; always contexts of the kubeconfig, in its order.

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    /// Names or globs (`*` any run of characters, `?` one).
    Some(Vec<String>),
}

/// `*` and `?` glob matching.
pub fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(&c) if c == '?' || c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The contexts chosen among `known` (the kubeconfig's, in order): every one for `All`,
/// else those matching a pattern. A pattern that matches none is an error naming it.
pub fn choose(known: &[String], wanted: &Selection) -> Result<Vec<String>, String> {
    if known.is_empty() {
        return Err("the kubeconfig has no contexts".into());
    }
    let patterns = match wanted {
        Selection::All => return Ok(known.to_vec()),
        Selection::Some(p) => p,
    };
    if patterns.is_empty() {
        return Err(
            "no context named: pass --contexts NAME,… or --all-contexts, or set [fleet] contexts"
                .into(),
        );
    }
    for p in patterns {
        if !known.iter().any(|k| glob(p, k)) {
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            return Err(format!(
                "no context matches {:?} ({})",
                crate::text::printable(p),
                crate::cluster::connect::close_matches(p, &names)
            ));
        }
    }
    Ok(known
        .iter()
        .filter(|k| patterns.iter().any(|p| glob(p, k)))
        .cloned()
        .collect())
}

/// `a,b,prod-*` as patterns (empty entries dropped).
pub fn parse_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_names_pick_contexts_in_kubeconfig_order() {
        let known: Vec<String> = ["prod-eu", "staging", "prod-us", "dev"]
            .map(String::from)
            .to_vec();
        assert!(glob("prod-*", "prod-eu") && glob("*", "") && glob("p?od-*u*", "prod-eu"));
        assert!(!glob("prod-*", "staging") && !glob("prod", "prod-eu"));
        let chosen = choose(&known, &Selection::Some(parse_list("dev, prod-*"))).unwrap();
        assert_eq!(chosen, ["prod-eu", "prod-us", "dev"]);
        assert_eq!(choose(&known, &Selection::All).unwrap().len(), 4);
        let e = choose(&known, &Selection::Some(vec!["prd-*".into()])).unwrap_err();
        assert!(e.contains("\"prd-*\"") && e.contains("prod-eu"), "{e}");
        assert!(choose(&[], &Selection::All).is_err());
    }
}
