//! Finding the line of a user's mistake when the error itself carries none.
//!
//! TOML syntax errors come with a byte span, but errors from deserialising the merged tree
//! (unknown key, wrong type) do not: the merged tree is no longer text. So the culprit is found
//! by elimination — the deepest key of the user's file whose removal (restoring the default) makes
//! that error go away — and then looked up in the text: its `key = …` line, or the header of the
//! nearest enclosing table the file writes. Arrays are walked too, so a key inside the second
//! `[[run.strategies]]` entry is found under that entry's header, not the first one's.

/// One step of a key path: a table key, or an element of an array (e.g. of `[[run.strategies]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A key of a table.
    Key(String),
    /// A 0-based array index.
    Index(usize),
}

/// A key path such as `run.strategies[1].mode`.
pub(crate) type KeyPath = Vec<Seg>;

/// `run.strategies[1].mode` → `[run, strategies, 1, mode]` (the form errors name keys in).
pub(crate) fn key_path(key: &str) -> KeyPath {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, indices) = part.split_once('[').unwrap_or((part, ""));
        out.push(Seg::Key(name.to_string()));
        out.extend(
            indices
                .split('[')
                .filter_map(|i| i.strip_suffix(']')?.parse().ok())
                .map(Seg::Index),
        );
    }
    out
}

/// `[run, strategies, 1, mode]` → `run.strategies[1].mode`.
pub(crate) fn dotted_key(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Every key, table and array element the user's file sets, deepest first (so a leaf is tried
/// before its table).
pub(crate) fn user_paths(table: &toml::Table) -> Vec<KeyPath> {
    fn walk(value: &toml::Value, prefix: &mut KeyPath, out: &mut Vec<KeyPath>) {
        let children: Vec<(Seg, &toml::Value)> = match value {
            toml::Value::Table(t) => t.iter().map(|(k, v)| (Seg::Key(k.clone()), v)).collect(),
            toml::Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (Seg::Index(i), v))
                .collect(),
            _ => return,
        };
        for (seg, child) in children {
            prefix.push(seg);
            out.push(prefix.clone());
            walk(child, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(
        &toml::Value::Table(table.clone()),
        &mut Vec::new(),
        &mut out,
    );
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

/// `table` without the key or array element at `path` (unchanged when it is not there).
pub(crate) fn without(table: &toml::Table, path: &[Seg]) -> toml::Table {
    fn remove(value: &mut toml::Value, path: &[Seg]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        match (value, first) {
            (toml::Value::Table(t), Seg::Key(k)) if rest.is_empty() => {
                t.remove(k);
            }
            (toml::Value::Table(t), Seg::Key(k)) => {
                if let Some(inner) = t.get_mut(k) {
                    remove(inner, rest);
                }
            }
            (toml::Value::Array(a), Seg::Index(i)) if rest.is_empty() && *i < a.len() => {
                a.remove(*i);
            }
            (toml::Value::Array(a), Seg::Index(i)) => {
                if let Some(inner) = a.get_mut(*i) {
                    remove(inner, rest);
                }
            }
            _ => {}
        }
    }
    let mut copy = toml::Value::Table(table.clone());
    remove(&mut copy, path);
    match copy {
        toml::Value::Table(t) => t,
        _ => unreachable!("a table stays a table"),
    }
}

/// 1-based line where `path` is written in `text`, or where its nearest enclosing table is
/// (its `[header]`, its `[[header]]` entry, or the `key = { … }` / `key = [ … ]` line of an
/// inline value); `None` when none of it is.
pub(crate) fn path_line(text: &str, path: &[Seg]) -> Option<usize> {
    (1..=path.len())
        .rev()
        .find_map(|len| exact_line(text, &path[..len]))
}

/// 1-based line of the header `[a.b]`, the `[[a.b]]` entry, or the assignment `a.b = …` (under
/// any enclosing header) that names exactly `path`. A whole array of tables is found at its first
/// `[[…]]` header.
fn exact_line(text: &str, path: &[Seg]) -> Option<usize> {
    let mut header: KeyPath = Vec::new();
    // Arrays of tables seen so far (their paths with indices resolved) and how many entries each
    // has: `[a.b]` after `[[a]]` means a key of `a`'s last entry, as in TOML itself.
    let mut arrays: Vec<(KeyPath, usize)> = Vec::new();
    let resolve = |keys: &[Seg], arrays: &[(KeyPath, usize)]| -> KeyPath {
        let mut out = Vec::new();
        for key in keys {
            out.push(key.clone());
            if let Some((_, n)) = arrays.iter().find(|(p, _)| *p == out) {
                out.push(Seg::Index(n - 1));
            }
        }
        out
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("[[") {
            let mut keys = dotted(rest.split("]]").next().unwrap_or(""));
            let last = keys.pop();
            let mut array = resolve(&keys, &arrays);
            array.extend(last);
            let entry = match arrays.iter_mut().find(|(p, _)| *p == array) {
                Some((_, n)) => {
                    *n += 1;
                    *n - 1
                }
                None => {
                    arrays.push((array.clone(), 1));
                    0
                }
            };
            if entry == 0 && array == path {
                return Some(i + 1);
            }
            header = array;
            header.push(Seg::Index(entry));
            if header == path {
                return Some(i + 1);
            }
        } else if let Some(rest) = line.strip_prefix('[') {
            header = resolve(&dotted(rest.split(']').next().unwrap_or("")), &arrays);
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

/// `a. "b" .c` → `[a, b, c]`.
fn dotted(key: &str) -> KeyPath {
    key.split('.')
        .map(|k| Seg::Key(k.trim().trim_matches(['"', '\'']).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> KeyPath {
        key_path(p)
    }

    #[test]
    fn keys_and_paths_convert_both_ways() {
        for key in [
            "backtest.cash",
            "run.strategies[1].params.period",
            "runtime.shard_cores[0]",
            "zerodha",
        ] {
            assert_eq!(dotted_key(&key_path(key)), key);
        }
        assert_eq!(
            key_path("a.b[2]"),
            vec![Seg::Key("a".into()), Seg::Key("b".into()), Seg::Index(2)]
        );
    }

    #[test]
    fn finds_keys_headers_inline_tables_and_dotted_keys() {
        let text = "# top\n[backtest]\ncash = \"5\"\nsizing.value = \"3\"\n\n[backtest.limits]\nmax_order_qty = -5\n[strategy]\nparams = { fast = 5 }\n";
        assert_eq!(path_line(text, &path("backtest.cash")), Some(3));
        assert_eq!(path_line(text, &path("backtest.sizing.value")), Some(4));
        assert_eq!(
            path_line(text, &path("backtest.limits.max_order_qty")),
            Some(7)
        );
        assert_eq!(path_line(text, &path("backtest.limits")), Some(6));
        assert_eq!(
            path_line(text, &path("strategy.params.fast")),
            Some(9),
            "inside an inline table: its line"
        );
        assert_eq!(
            path_line(text, &path("strategy.name")),
            Some(8),
            "not written: the table's header"
        );
        assert_eq!(
            path_line(text, &path("zerodha.gst_pct")),
            None,
            "nothing of it written"
        );
    }

    #[test]
    fn finds_keys_inside_arrays_of_tables_by_entry() {
        let text = "[run]\nsymbols = [\"TCS\",\n  \"INFY\"]\n\n[[run.strategies]]\nname = \"a\"\n\n[[run.strategies]]\nname = \"b\"\nmdoe = \"auto\"\n[run.strategies.params]\nperiod = 3\n";
        assert_eq!(path_line(text, &path("run.strategies[1].mdoe")), Some(10));
        assert_eq!(path_line(text, &path("run.strategies[0].name")), Some(6));
        assert_eq!(
            path_line(text, &path("run.strategies[0].mode")),
            Some(5),
            "not written: its entry's header"
        );
        assert_eq!(
            path_line(text, &path("run.strategies[1].params.period")),
            Some(12),
            "a sub-table belongs to the last entry"
        );
        assert_eq!(
            path_line(text, &path("run.strategies")),
            Some(5),
            "the whole array: its first entry"
        );
        assert_eq!(
            path_line(text, &path("run.symbols[1]")),
            Some(2),
            "an inline array: its key's line"
        );
        let inline = "[run]\nstrategies = [{ name = \"a\" }, { name = \"b\", mdoe = 1 }]\n";
        assert_eq!(path_line(inline, &path("run.strategies[1].mdoe")), Some(2));
    }

    #[test]
    fn paths_come_deepest_first_and_can_be_removed() {
        let table: toml::Table = toml::from_str("[a]\nb = 1\nc = { d = 2 }\n").unwrap();
        let paths = user_paths(&table);
        assert_eq!(paths[0], path("a.c.d"));
        assert_eq!(paths.last().unwrap(), &path("a"));
        let cut = without(&table, &path("a.c.d"));
        assert_eq!(cut.to_string(), "[a]\nb = 1\n\n[a.c]\n");

        let table: toml::Table = toml::from_str("[[s]]\nn = 1\n[[s]]\nn = 2\nm = 3\n").unwrap();
        assert!(user_paths(&table).contains(&path("s[1].m")));
        assert_eq!(
            without(&table, &path("s[1].m")).to_string(),
            "[[s]]\nn = 1\n\n[[s]]\nn = 2\n"
        );
        assert_eq!(
            without(&table, &path("s[0]")).to_string(),
            "[[s]]\nm = 3\nn = 2\n"
        );
    }
}
