//! Parameter grids and walk-forward windows: the pure part of optimisation. Running the grid in
//! parallel is the caller's business (the engine spawns no threads).

use crate::strategy::Params;

/// Why a sweep or walk-forward specification was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptimizeError {
    /// A `--sweep` that is not `name=start:end:step`.
    #[error("--sweep `{0}` must look like name=start:end:step, e.g. fast=5:20:5")]
    MalformedSweep(String),
    /// Step not positive or end before start.
    #[error("--sweep `{0}`: need step > 0 and end >= start")]
    BadRange(String),
    /// A grid too large to run.
    #[error("the sweep grid has {0} combinations; the limit is 100000")]
    TooLarge(usize),
    /// A `--walk-forward` that is not `train=N,test=M`.
    #[error("--walk-forward `{0}` must look like train=N,test=M with N, M bar counts > 0")]
    MalformedWalkForward(String),
}

/// One swept parameter and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepAxis {
    /// Parameter name.
    pub name: String,
    /// Values in order, as parameter text.
    pub values: Vec<String>,
}

impl SweepAxis {
    /// Parses `fast=5:20:5` (inclusive of the end when the step lands on it); decimals allowed.
    pub fn parse(spec: &str) -> Result<SweepAxis, OptimizeError> {
        let malformed = || OptimizeError::MalformedSweep(spec.to_string());
        let (name, range) = spec.split_once('=').ok_or_else(malformed)?;
        let parts: Vec<&str> = range.split(':').collect();
        let [start, end, step] = parts[..] else {
            return Err(malformed());
        };
        let integer = [start, end, step]
            .iter()
            .all(|s| s.trim().parse::<i64>().is_ok());
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(malformed)
        };
        let (a, b, s) = (num(start)?, num(end)?, num(step)?);
        if s <= 0.0 || b < a {
            return Err(OptimizeError::BadRange(spec.to_string()));
        }
        let count = ((b - a) / s + 1e-9).floor() as usize + 1;
        if count > 100_000 {
            return Err(OptimizeError::TooLarge(count));
        }
        let values = (0..count)
            .map(|i| {
                let v = a + s * i as f64;
                if integer {
                    format!("{}", v.round() as i64)
                } else {
                    format!("{}", (v * 1e9).round() / 1e9)
                }
            })
            .collect();
        Ok(SweepAxis {
            name: name.trim().to_string(),
            values,
        })
    }
}

/// Every combination of the axes' values (the first axis varies slowest).
pub fn grid(axes: &[SweepAxis]) -> Result<Vec<Params>, OptimizeError> {
    let size = axes
        .iter()
        .try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()))
        .unwrap_or(usize::MAX);
    if size > 100_000 {
        return Err(OptimizeError::TooLarge(size));
    }
    let mut combos = vec![Params::new()];
    for axis in axes {
        combos = combos
            .into_iter()
            .flat_map(|base| {
                axis.values.iter().map(move |v| {
                    let mut p = base.clone();
                    p.set(&axis.name, v);
                    p
                })
            })
            .collect();
    }
    Ok(combos)
}

/// Walk-forward window sizes in bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkForward {
    /// Bars to optimise on.
    pub train: usize,
    /// Bars to test the chosen parameters on (also the step between windows).
    pub test: usize,
}

/// One walk-forward window: `[train_start, test_start)` trains, `[test_start, test_end)` tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First training bar.
    pub train_start: usize,
    /// First test bar (= end of training).
    pub test_start: usize,
    /// One past the last test bar.
    pub test_end: usize,
}

impl WalkForward {
    /// Parses `train=N,test=M`.
    pub fn parse(spec: &str) -> Result<WalkForward, OptimizeError> {
        let malformed = || OptimizeError::MalformedWalkForward(spec.to_string());
        let (mut train, mut test) = (None, None);
        for part in spec.split(',') {
            let (k, v) = part.split_once('=').ok_or_else(malformed)?;
            let n = v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(malformed)?;
            match k.trim() {
                "train" => train = Some(n),
                "test" => test = Some(n),
                _ => return Err(malformed()),
            }
        }
        Ok(WalkForward {
            train: train.ok_or_else(malformed)?,
            test: test.ok_or_else(malformed)?,
        })
    }

    /// Rolling windows over `bars` bars; the last test window may be shorter.
    pub fn windows(&self, bars: usize) -> Vec<Window> {
        let mut out = Vec::new();
        let mut test_start = self.train;
        while test_start < bars {
            out.push(Window {
                train_start: test_start - self.train,
                test_start,
                test_end: (test_start + self.test).min(bars),
            });
            test_start += self.test;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_axes_are_inclusive_and_grid_is_cartesian() {
        let fast = SweepAxis::parse("fast=5:20:5").unwrap();
        assert_eq!(fast.values, ["5", "10", "15", "20"]);
        let k = SweepAxis::parse("k=1.5:2.5:0.5").unwrap();
        assert_eq!(k.values, ["1.5", "2", "2.5"]);
        let g = grid(&[fast, SweepAxis::parse("slow=20:60:10").unwrap()]).unwrap();
        assert_eq!(g.len(), 20);
        assert_eq!(g[1], Params::parse(["fast=5", "slow=30"]).unwrap());
        assert_eq!(
            SweepAxis::parse("fast=5:20").unwrap_err(),
            OptimizeError::MalformedSweep("fast=5:20".into())
        );
        assert_eq!(
            SweepAxis::parse("fast=20:5:5").unwrap_err(),
            OptimizeError::BadRange("fast=20:5:5".into())
        );
    }

    #[test]
    fn walk_forward_windows_roll_by_the_test_length() {
        let wf = WalkForward::parse("train=100,test=30").unwrap();
        let w = wf.windows(200);
        assert_eq!(w.len(), 4);
        assert_eq!(
            w[0],
            Window {
                train_start: 0,
                test_start: 100,
                test_end: 130
            }
        );
        assert_eq!(
            w[3],
            Window {
                train_start: 90,
                test_start: 190,
                test_end: 200
            }
        );
        assert!(WalkForward::parse("train=100").is_err());
        assert!(WalkForward::parse("train=0,test=5").is_err());
    }
}
