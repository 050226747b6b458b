//! `agentdeck config path|show|init`: where the config file is, what is in effect (each
//! value with where it came from), and a commented default config to start from.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{Config, Headers};
use crate::error::Error;

/// The global flags that bear on the config.
#[derive(Debug, Clone, Default)]
pub struct ConfigFlags {
    /// `--config`
    pub config: Option<PathBuf>,
    /// `--prometheus-url` (prometheus.url)
    pub prometheus_url: Option<String>,
    /// `--theme` (ui.theme)
    pub theme: Option<String>,
    /// `--read-only` (read_only)
    pub read_only: bool,
}

/// The config file in use and why: `--config`, `$XDG_CONFIG_HOME`, or `$HOME`.
pub fn path_in_use(g: &ConfigFlags) -> Result<(PathBuf, &'static str), Error> {
    if let Some(p) = &g.config {
        return Ok((p.clone(), "flag --config"));
    }
    let why = if std::env::var_os("XDG_CONFIG_HOME").is_some() {
        "env XDG_CONFIG_HOME"
    } else {
        "default"
    };
    crate::config::default_path()
        .map(|p| (p, why))
        .ok_or_else(|| {
            Error::Usage(
                "no config path: neither HOME nor XDG_CONFIG_HOME is set; pass --config PATH"
                    .into(),
            )
        })
}

/// `config path`: the path on stdout; on stderr, when it does not exist, that the
/// defaults are in effect.
pub fn path(g: &ConfigFlags) -> Result<u8, Error> {
    let (p, _) = path_in_use(g)?;
    println!("{}", p.display());
    if !p.exists() {
        eprintln!(
            "agentdeck: {} does not exist: the defaults are in effect (agentdeck config init writes it)",
            p.display()
        );
    }
    Ok(0)
}

/// `config show`: the effective config as TOML, each value with a `# from …` comment.
pub fn show(g: &ConfigFlags) -> Result<u8, Error> {
    let (p, why) = path_in_use(g)?;
    let mut cfg = Config::load(g.config.as_deref())?;
    let file = read_table(&p)?;
    if let Some(u) = &g.prometheus_url {
        cfg.prometheus.url = Some(u.clone());
    }
    if let Some(t) = &g.theme {
        cfg.ui.theme = t.clone();
    }
    cfg.read_only |= g.read_only;
    let mut out = format!(
        "# agentdeck's effective config\n# config file: {} ({}{})\n",
        p.display(),
        if file.is_some() { "read" } else { "missing" },
        if why == "default" {
            String::new()
        } else {
            format!(", path from {why}")
        }
    );
    if std::env::var_os(crate::metrics::prom::TOKEN_ENV).is_some()
        && cfg.prometheus.bearer_token_file.is_none()
    {
        out.push_str(&format!(
            "# prometheus bearer token: from env {} (value not shown)\n",
            crate::metrics::prom::TOKEN_ENV
        ));
    }
    let source = |key: &[String]| Some(source_of(key, g, file.as_ref(), &p));
    let unset = |key: &[String]| not_set(&cfg, key);
    out.push_str(&render(&cfg, "", &source, &unset));
    print!("{out}");
    Ok(0)
}

/// The config file as a TOML table (None: it does not exist; `Config::load` has already
/// refused one that does not parse).
fn read_table(p: &Path) -> Result<Option<toml::Table>, Error> {
    match std::fs::read_to_string(p) {
        Ok(text) => Ok(text.parse::<toml::Table>().ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&format!("cannot read config {}", p.display()), e)),
    }
}

/// Where the value at `key` came from: a flag, the file, or the default.
fn source_of(key: &[String], g: &ConfigFlags, file: Option<&toml::Table>, p: &Path) -> String {
    let k: Vec<&str> = key.iter().map(String::as_str).collect();
    let flag = match k.as_slice() {
        ["prometheus", "url"] if g.prometheus_url.is_some() => Some("--prometheus-url"),
        ["ui", "theme"] if g.theme.is_some() => Some("--theme"),
        ["read_only"] if g.read_only => Some("--read-only"),
        _ => None,
    };
    if let Some(f) = flag {
        return format!("from flag {f}");
    }
    let mut t = file;
    for (i, part) in k.iter().enumerate() {
        match t.and_then(|t| t.get(*part)) {
            Some(toml::Value::Table(inner)) if i + 1 < k.len() => t = Some(inner),
            Some(_) if i + 1 == k.len() => return format!("from {}", p.display()),
            _ => break,
        }
    }
    "from default".into()
}

/// The keys of the table at `path` that have no default and are not set (TOML has no null:
/// `config show` names them in comments).
fn not_set(cfg: &Config, path: &[String]) -> Vec<String> {
    let p = &cfg.prometheus;
    let keys: Vec<(&str, bool)> = match path {
        [] => vec![("audit_log", cfg.audit_log.is_none())],
        [t] if t == "prometheus" => vec![
            ("url", p.url.is_none()),
            ("bearer_token_file", p.bearer_token_file.is_none()),
            ("basic_auth_user", p.basic_auth_user.is_none()),
            (
                "basic_auth_password_file",
                p.basic_auth_password_file.is_none(),
            ),
            ("ca_file", p.ca_file.is_none()),
            ("client_cert_file", p.client_cert_file.is_none()),
            ("client_key_file", p.client_key_file.is_none()),
        ],
        _ => Vec::new(),
    };
    keys.into_iter()
        .filter(|(_, unset)| *unset)
        .map(|(k, _)| format!("{k}: not set"))
        .collect()
}

/// Commented-out examples of the keys that have no default, per table.
fn examples(path: &[String]) -> &'static [&'static str] {
    match path.first().map(String::as_str) {
        None => &[
            "audit_log = \"/var/log/agentdeck/audit.log\"   # default: ~/.local/state/agentdeck/audit.log",
        ],
        Some("prometheus") if path.len() == 1 => &[
            "url = \"http://prometheus.monitoring:9090\"",
            "bearer_token_file = \"/var/run/secrets/tokens/prometheus\"",
            "basic_auth_user = \"agentdeck\"",
            "basic_auth_password_file = \"/run/secrets/prom-password\"",
            "ca_file = \"/etc/ssl/my-ca.pem\"",
            "client_cert_file = \"/etc/agentdeck/client.pem\"",
            "client_key_file = \"/etc/agentdeck/client.key\"",
        ],
        Some("prometheus") if path.get(1).is_some_and(|p| p == "headers") => {
            &["X-Scope-OrgID = \"team-a\""]
        }
        _ => &[],
    }
}

/// `cfg` as TOML, every line after `prefix` ("# " comments it out), each value followed by
/// `note(key)` as a comment. Header values that look secret are shown as "***".
pub fn render(
    cfg: &Config,
    prefix: &str,
    note: &dyn Fn(&[String]) -> Option<String>,
    extra: &dyn Fn(&[String]) -> Vec<String>,
) -> String {
    let table = toml::Table::try_from(cfg).unwrap_or_default();
    let mut out = String::new();
    let r = Renderer {
        prefix,
        note,
        extra,
    };
    r.table(&mut out, &mut Vec::new(), &table);
    out
}

struct Renderer<'a> {
    prefix: &'a str,
    note: &'a dyn Fn(&[String]) -> Option<String>,
    extra: &'a dyn Fn(&[String]) -> Vec<String>,
}

impl Renderer<'_> {
    fn line(&self, out: &mut String, text: &str, key: &[String]) {
        out.push_str(self.prefix);
        out.push_str(text);
        if let Some(n) = (self.note)(key) {
            out.push_str(&format!("  # {n}"));
        }
        out.push('\n');
    }

    /// The scalars of `t`, then its tables and arrays of tables.
    fn table(&self, out: &mut String, path: &mut Vec<String>, t: &toml::Table) {
        let secret = path.len() == 2 && path[0] == "prometheus" && path[1] == "headers";
        for (k, v) in t.iter().filter(|(_, v)| !is_nested(v)) {
            path.push(k.clone());
            let shown = if secret && Headers::looks_secret(k) {
                toml::Value::String("***".into())
            } else {
                v.clone()
            };
            self.line(out, &format!("{} = {shown}", key(k)), path);
            path.pop();
        }
        for ex in (self.extra)(path) {
            out.push_str(&format!("# {ex}\n"));
        }
        for (k, v) in t.iter().filter(|(_, v)| is_nested(v)) {
            path.push(k.clone());
            let name: Vec<String> = path.iter().map(|p| key(p)).collect();
            match v {
                toml::Value::Table(inner) => {
                    out.push_str(&format!("\n{}[{}]\n", self.prefix, name.join(".")));
                    self.table(out, path, inner);
                }
                toml::Value::Array(items) => {
                    for item in items.iter().filter_map(toml::Value::as_table) {
                        out.push('\n');
                        self.line(out, &format!("[[{}]]", name.join(".")), path);
                        let keep = Renderer {
                            note: &|_| None,
                            ..*self
                        };
                        keep.table(out, path, item);
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
}

/// A table, or an array of tables: written under its own header.
fn is_nested(v: &toml::Value) -> bool {
    match v {
        toml::Value::Table(_) => true,
        toml::Value::Array(a) => !a.is_empty() && a.iter().all(toml::Value::is_table),
        _ => false,
    }
}

/// A key, quoted unless bare.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

/// The file `config init` writes: every default, commented out.
pub fn template() -> String {
    let head = "# agentdeck config (TOML). Every key is optional: the values below, commented out,\n\
                # are the defaults. Uncomment and change what you need; unknown keys are errors.\n\
                # `agentdeck config show` prints what is in effect and where each value came from.\n\n";
    format!(
        "{head}{}",
        render(&Config::default(), "# ", &|_| None, &|p| {
            examples(p).iter().map(|e| e.to_string()).collect()
        })
    )
}

/// `config init`: write the template, private (folder 0700, file 0600); never overwrite.
pub fn init(g: &ConfigFlags) -> Result<u8, Error> {
    let (p, _) = path_in_use(g)?;
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir(dir)
            .map_err(|e| Error::io(&format!("cannot create {}", dir.display()), e))?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = match o.open(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{} already exists; config init never overwrites a config. Edit it, or move it \
                 away and run init again (agentdeck config show prints what is in effect)",
                p.display()
            )));
        }
        Err(e) => return Err(Error::io(&format!("cannot create {}", p.display()), e)),
    };
    f.write_all(template().as_bytes())
        .map_err(|e| Error::io(&format!("cannot write {}", p.display()), e))?;
    println!("wrote {}", p.display());
    Ok(0)
}

#[cfg(test)]
#[path = "config_cmd_tests.rs"]
mod tests;
