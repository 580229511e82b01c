//! Shared helpers for the `tests/cli_*.rs` end-to-end tests: run the real `sharewise` binary,
//! generate small bar files, and read its CSV and JSON outputs. Temporary directories, text files
//! and money parsing come from `sharewise-testkit` (re-exported here).
//!
//! Every helper panics with the full command line, exit status, stdout and stderr, so a failing
//! test says what a user would have seen.

#![allow(dead_code, unused_imports)] // each test file uses a different subset

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};

pub use sharewise_testkit::{lines, rupees_to_paise, tmp, TempDir};

/// A path inside the repository (the root package's manifest directory).
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// What one `sharewise` invocation did.
pub struct Run {
    pub cmd: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$ {}\nexit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmd, self.status, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Asserts exit code 0 and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(self.status.success(), "expected success:\n{self}");
        self
    }

    /// Asserts a non-zero exit (not a crash) with an `error:` line on stderr, and returns self.
    #[track_caller]
    pub fn fails(self) -> Run {
        assert!(!self.status.success(), "expected failure:\n{self}");
        assert!(
            self.status.code().is_some(),
            "killed by a signal instead of exiting:\n{self}"
        );
        assert!(
            !self.stderr.contains("panicked"),
            "panicked instead of reporting an error:\n{self}"
        );
        assert!(
            self.stderr.contains("error"),
            "stderr should say `error`:\n{self}"
        );
        self
    }

    /// Asserts that stderr contains every one of `needles`.
    #[track_caller]
    pub fn stderr_has(self, needles: &[&str]) -> Run {
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr should contain {n:?}:\n{self}"
            );
        }
        self
    }

    /// Asserts that stdout contains every one of `needles`.
    #[track_caller]
    pub fn stdout_has(self, needles: &[&str]) -> Run {
        for n in needles {
            assert!(
                self.stdout.contains(n),
                "stdout should contain {n:?}:\n{self}"
            );
        }
        self
    }
}

/// Asserts a failure (see [`Run::fails`]) that prints nothing on stdout and exactly one line,
/// `error: ...`, on stderr; returns the run.
#[track_caller]
pub fn quiet_failure(run: Run) -> Run {
    let run = run.fails();
    assert!(
        run.stdout.is_empty(),
        "a failed run prints nothing on stdout:\n{run}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "one error line:\n{run}");
    assert!(run.stderr.starts_with("error: "), "{run}");
    run
}

/// The binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sharewise"))
}

/// The binary under test with every inherited `SHAREWISE_*` variable removed, so the test
/// runner's environment cannot leak into the settings.
pub fn bin_without_settings_env() -> Command {
    let mut cmd = bin();
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHAREWISE_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

fn describe(cwd: Option<&Path>, args: &[&str]) -> String {
    let mut s = String::new();
    if let Some(d) = cwd {
        s.push_str(&format!("(cd {}) ", d.display()));
    }
    s.push_str("sharewise");
    for a in args {
        s.push(' ');
        s.push_str(a);
    }
    s
}

fn finish(cmd: String, out: Output) -> Run {
    Run {
        cmd,
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `sharewise ARGS` in the current directory.
pub fn sw(args: &[&str]) -> Run {
    let out = bin().args(args).output().expect("spawn sharewise");
    finish(describe(None, args), out)
}

/// Runs `sharewise ARGS` with `cwd` as the working directory.
pub fn sw_in(cwd: &Path, args: &[&str]) -> Run {
    let out = bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("spawn sharewise");
    finish(describe(Some(cwd), args), out)
}

/// Runs `sharewise ARGS` (in `cwd` when given) with `vars` set and every inherited `SHAREWISE_*`
/// variable removed, so the test runner's environment cannot leak into a settings test.
pub fn sw_env(cwd: Option<&Path>, vars: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = bin_without_settings_env();
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd
        .envs(vars.iter().copied())
        .args(args)
        .output()
        .expect("spawn sharewise");
    let shown: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
    finish(format!("{} {}", shown.join(" "), describe(cwd, args)), out)
}

/// `p` as a `&str` (temp paths are UTF-8 here).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `sharewise generate bars --days DAYS --seed SEED [extra] --out DIR/NAME`; returns the path.
pub fn gen_bars(dir: &Path, name: &str, days: u32, seed: u64, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let days = days.to_string();
    let seed = seed.to_string();
    let mut args = vec![
        "generate",
        "bars",
        "--symbol",
        "RELIANCE",
        "--days",
        &days,
        "--seed",
        &seed,
        "--out",
        s(&out),
    ];
    args.extend_from_slice(extra);
    sw(&args).ok();
    out
}

/// A CSV file as its header and rows of strings (every row checked to have the header's width).
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Index of column `name`; panics naming the header when missing.
    #[track_caller]
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| {
                panic!(
                    "{}: no column {name:?} in {:?}",
                    self.path.display(),
                    self.header
                )
            })
    }

    /// All cells of column `name`.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }

    /// The header joined by commas, as written in the file.
    pub fn header_line(&self) -> String {
        self.header.join(",")
    }
}

/// Reads a CSV file strictly (every row must have as many fields as the header).
#[track_caller]
pub fn read_csv(path: &Path) -> Table {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader
        .headers()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|e| panic!("{} row {}: {e}", path.display(), i + 2))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    Table {
        path: path.to_path_buf(),
        header,
        rows,
    }
}

/// Reads and parses a JSON file.
#[track_caller]
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

/// True for a money string like `1573.15` or `-20.00`: optional minus, digits, exactly two decimals.
pub fn is_money(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    match t.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.len() == 2
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// A money string as exact paise.
#[track_caller]
pub fn paise(text: &str) -> i64 {
    assert!(is_money(text), "{text:?} is not rupees with two decimals");
    let neg = text.starts_with('-');
    let t = text.trim_start_matches('-');
    let (int, frac) = t.split_once('.').unwrap();
    let v = int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
    if neg {
        -v
    } else {
        v
    }
}

/// Writes `lines`, each ended by `\n`, to `dir/name` (the kit's `write_lines`, typed for `String`
/// rows so that `.into()` and `format!` rows need no annotation).
pub fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    sharewise_testkit::write_lines(dir, name, lines)
}

/// The JSON lines of a file (the daemon's `--events` file), each parsed.
#[track_caller]
pub fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    lines(path)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad event line {l}: {e}")))
        .collect()
}

/// The warm-up tick count of the daemon's `stopped: N ticks (W warm-up, ...)` line.
pub fn warm_up_ticks(stdout: &str) -> u64 {
    let at = stdout
        .find(" warm-up")
        .unwrap_or_else(|| panic!("no warm-up count in:\n{stdout}"));
    let digits: String = stdout[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or_else(|e| panic!("warm-up count: {e}\n{stdout}"))
}
