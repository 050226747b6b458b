//! `-o/--output` as kubectl spells it: `status -o json|yaml|wide`, and `-o json|yaml` for
//! the operations' results (one small object: what was done, to what, how it ended). An
//! unknown format is refused in kubectl's words.

use clap::Args;
use serde_json::Value;

/// `status`' formats (none: the text report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Yaml,
    /// The text report with more columns.
    Wide,
}

/// The refusal kubectl gives for a format it has no printer for.
fn unknown(s: &str, allowed: &str) -> String {
    format!(
        "unable to match a printer suitable for the output format \"{s}\", allowed formats are: {allowed}"
    )
}

/// `status -o FORMAT`.
pub fn parse_status(s: &str) -> Result<Output, String> {
    match s {
        "json" => Ok(Output::Json),
        "yaml" => Ok(Output::Yaml),
        "wide" => Ok(Output::Wide),
        _ => Err(unknown(s, "json,yaml,wide")),
    }
}

/// `-o FORMAT` of an operation (json or yaml: a result has no table).
pub fn parse_op(s: &str) -> Result<Output, String> {
    match parse_status(s) {
        Ok(Output::Wide) | Err(_) => Err(unknown(s, "json,yaml")),
        ok => ok,
    }
}

/// The `-o` flag of the write subcommands.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct OpOutput {
    /// Print the result as one JSON or YAML object on stdout (the plan and progress go to
    /// stderr): {"operation", "object", "namespace", "context", "outcome", "message"}.
    #[arg(short = 'o', long = "output", value_name = "FORMAT", value_parser = parse_op)]
    pub output: Option<Output>,
}

/// Rows as kubectl prints a table: each column as wide as its widest cell, `gap` spaces
/// between columns, no trailing blanks; one line per row.
pub(crate) fn table<R: AsRef<[String]>>(rows: &[R], gap: usize) -> String {
    let columns = rows.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.as_ref().get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let sep = " ".repeat(gap);
    let mut s = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .as_ref()
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        s.push_str(cells.join(&sep).trim_end());
        s.push('\n');
    }
    s
}

/// `value` as `format` (json pretty-printed; yaml as serde_yaml writes it), ending in a
/// newline.
pub fn render(value: &Value, format: Output) -> String {
    match format {
        Output::Yaml => serde_yaml_ng::to_string(value).unwrap_or_default(),
        _ => serde_json::to_string_pretty(value).unwrap_or_default() + "\n",
    }
}

/// Objects as kubectl prints several: a `---` separated YAML stream, or a JSON v1 List.
pub fn render_objects(objects: &[Value], format: Output) -> String {
    match format {
        Output::Yaml => objects
            .iter()
            .map(|o| serde_yaml_ng::to_string(o).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("---\n"),
        _ => render(
            &serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects}),
            Output::Json,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_formats_are_refused_naming_the_allowed_ones() {
        assert_eq!(parse_status("wide"), Ok(Output::Wide));
        let e = parse_status("table").unwrap_err();
        assert!(e.contains("output format \"table\""), "{e}");
        assert!(e.ends_with("allowed formats are: json,yaml,wide"), "{e}");
        let e = parse_op("wide").unwrap_err();
        assert!(e.ends_with("allowed formats are: json,yaml"), "{e}");
    }

    #[test]
    fn objects_become_a_yaml_stream_or_a_list() {
        let objs = [
            serde_json::json!({"kind": "A"}),
            serde_json::json!({"kind": "B"}),
        ];
        assert_eq!(
            render_objects(&objs, Output::Yaml),
            "kind: A\n---\nkind: B\n"
        );
        let list: Value = serde_json::from_str(&render_objects(&objs, Output::Json)).unwrap();
        assert_eq!(list["kind"], "List");
        assert_eq!(list["items"][1]["kind"], "B");
    }
}
