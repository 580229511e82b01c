//! Finding the line of a user's mistake when the error itself carries none.
//!
//! TOML syntax errors come with a byte span, but errors from deserialising the merged tree
//! (unknown key, wrong type) do not: the merged tree is no longer text. So the culprit is found
//! by elimination — the deepest key of the user's file whose removal (restoring the default) makes
//! that error go away — and then looked up in the text: its `key = …` line, or the header of the
//! nearest enclosing table the file writes.

/// A dotted key path such as `["backtest", "sizing", "value"]`.
pub(crate) type KeyPath = Vec<String>;

/// Every key and table the user's file sets, deepest first (so a leaf is tried before its table).
pub(crate) fn user_paths(table: &toml::Table) -> Vec<KeyPath> {
    fn walk(table: &toml::Table, prefix: &mut KeyPath, out: &mut Vec<KeyPath>) {
        for (key, value) in table {
            prefix.push(key.clone());
            out.push(prefix.clone());
            if let toml::Value::Table(inner) = value {
                walk(inner, prefix, out);
            }
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(table, &mut Vec::new(), &mut out);
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

/// `table` without the key at `path` (unchanged when it is not there).
pub(crate) fn without(table: &toml::Table, path: &[String]) -> toml::Table {
    let mut copy = table.clone();
    let mut at = &mut copy;
    for (i, key) in path.iter().enumerate() {
        if i + 1 == path.len() {
            at.remove(key);
            break;
        }
        match at.get_mut(key) {
            Some(toml::Value::Table(inner)) => at = inner,
            _ => break,
        }
    }
    copy
}

/// 1-based line where `path` is written in `text`, or where its nearest enclosing table is
/// (its `[header]` or the `key = { … }` line of an inline table); `None` when none of it is.
pub(crate) fn path_line(text: &str, path: &[String]) -> Option<usize> {
    (1..=path.len()).rev().find_map(|len| exact_line(text, &path[..len]))
}

/// 1-based line of the header `[a.b]` or the assignment `a.b = …` (under any enclosing header)
/// that names exactly `path`.
fn exact_line(text: &str, path: &[String]) -> Option<usize> {
    let mut header: KeyPath = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest.trim_start_matches('[').split(']').next().unwrap_or("");
            header = dotted(name);
            if header == path {
                return Some(i + 1);
            }
        } else if let Some((key, _)) = line.split_once('=') {
            let mut full = header.clone();
            full.extend(dotted(key));
            if full == path {
                return Some(i + 1);
            }
        }
    }
    None
}

/// `a. "b" .c` → `["a", "b", "c"]`.
fn dotted(key: &str) -> KeyPath {
    key.split('.').map(|k| k.trim().trim_matches(['"', '\'']).to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> KeyPath {
        dotted(p)
    }

    #[test]
    fn finds_keys_headers_inline_tables_and_dotted_keys() {
        let text = "# top\n[backtest]\ncash = \"5\"\nsizing.value = \"3\"\n\n[backtest.limits]\nmax_order_qty = -5\n[strategy]\nparams = { fast = 5 }\n";
        assert_eq!(path_line(text, &path("backtest.cash")), Some(3));
        assert_eq!(path_line(text, &path("backtest.sizing.value")), Some(4));
        assert_eq!(path_line(text, &path("backtest.limits.max_order_qty")), Some(7));
        assert_eq!(path_line(text, &path("backtest.limits")), Some(6));
        assert_eq!(path_line(text, &path("strategy.params.fast")), Some(9), "inside an inline table: its line");
        assert_eq!(path_line(text, &path("strategy.name")), Some(8), "not written: the table's header");
        assert_eq!(path_line(text, &path("zerodha.gst_pct")), None, "nothing of it written");
    }

    #[test]
    fn paths_come_deepest_first_and_can_be_removed() {
        let table: toml::Table = toml::from_str("[a]\nb = 1\nc = { d = 2 }\n").unwrap();
        let paths = user_paths(&table);
        assert_eq!(paths[0], path("a.c.d"));
        assert_eq!(paths.last().unwrap(), &path("a"));
        let cut = without(&table, &path("a.c.d"));
        assert_eq!(cut.to_string(), "[a]\nb = 1\n\n[a.c]\n");
    }
}
