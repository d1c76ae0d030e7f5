//! Monolith-vs-microservices challenges: predicates over the architecture widget's `?arch=` state
//! ([`Setup::from_query`]), judged on the comparison the widget itself runs ([`Comparison`]).

use super::{Challenge, ChallengeError, Fact, Family, Judged, SizeUnit};
use crate::arch::{
    Action, Arch, Comparison, Feature, Figure, Module, Setup, Side, Value, BASE_INSTANCES, GOOD_BP, MIN_SPIKE,
};

const LESSON: &str = "monolith-vs-msa";

/// Payment hangs; order tracking stays fully up in microservices.
pub const CONTAIN_PAYMENT_HANG: Challenge = Challenge {
    id: "arch-contain-payment-hang",
    family: Family::Arch,
    lesson: LESSON,
    start: "a:mono,b:msa,do:leak,m:payment,g:none,x:10",
    solution: "a:mono,b:msa,do:leak,m:payment,g:breaker,x:10",
    best_size: 1,
    size_unit: SizeUnit::Milliseconds,
    non_solution: "a:mono,b:msa,do:leak,m:payment,g:none,x:10",
};

/// The smallest browsing spike that makes the monolith scale out.
pub const SPIKE_SCALE_OUT: Challenge = Challenge {
    id: "arch-spike-scale-out",
    family: Family::Arch,
    lesson: LESSON,
    start: "a:mono,b:msa,do:spike,m:catalog,g:none,x:2",
    solution: "a:mono,b:msa,do:spike,m:catalog,g:none,x:6",
    best_size: 6,
    size_unit: SizeUnit::SpikeFactor,
    non_solution: "a:mono,b:msa,do:spike,m:catalog,g:none,x:10",
};

/// A schema change that blocks three features in the monolith and one in microservices.
pub const SCHEMA_ONE_FEATURE: Challenge = Challenge {
    id: "arch-schema-one-feature",
    family: Family::Arch,
    lesson: LESSON,
    start: "a:mono,b:msa,do:schema,m:payment,g:none,x:10",
    solution: "a:mono,b:msa,do:schema,m:catalog,g:none,x:10",
    best_size: 1,
    size_unit: SizeUnit::Features,
    non_solution: "a:mono,b:msa,do:schema,m:order,g:none,x:10",
};

fn refuse(setting: &str) -> ChallengeError {
    ChallengeError::Fixed { setting: setting.to_string() }
}

/// The side (0 = a, 1 = b) running `arch`, else the error naming the side to set.
fn side_of(s: &Setup, want: &[Arch]) -> Result<usize, ChallengeError> {
    if want.contains(&s.a) {
        Ok(0)
    } else if want.contains(&s.b) {
        Ok(1)
    } else {
        Err(refuse("b"))
    }
}

fn run(s: Setup) -> Result<Comparison, ChallengeError> {
    Ok(Comparison::new(s).map_err(|error| ChallengeError::Arch { error })?.run())
}

fn sides(c: &Comparison) -> Result<[&Side; 2], ChallengeError> {
    c.sides().ok_or(ChallengeError::TooMuchWork)
}

fn bp(side: &Side, f: Feature) -> u64 {
    match side.get(Figure::Availability(f)) {
        Some(Value::Percent(p)) => *p as u64,
        _ => 0,
    }
}

fn features(side: &Side) -> Vec<Feature> {
    match side.get(Figure::Blast) {
        Some(Value::Features(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// Instances of the whole application (the monolith's one deployable) in a spike.
fn app_instances(side: &Side) -> u64 {
    match side.get(Figure::Instances) {
        Some(Value::Instances(v)) => v.iter().map(|(_, n)| *n as u64).max().unwrap_or(0),
        _ => 0,
    }
}

pub(super) fn judge(id: &str, solution: &str) -> Judged {
    let s = Setup::from_query(solution).map_err(|error| ChallengeError::Arch { error })?;
    match id {
        "arch-contain-payment-hang" => {
            if s.action != Action::Leak {
                return Err(refuse("do"));
            }
            if s.module != Module::Payment {
                return Err(refuse("m"));
            }
            let i = side_of(&s, &[Arch::Msa])?;
            let c = run(s)?;
            let side = sides(&c)?[i];
            let track = bp(side, Feature::Track);
            let wait = match side.get(Figure::FailWait) {
                Some(Value::Us(us)) => *us,
                _ => 0,
            };
            let facts = vec![
                Fact::Availability { arch: "msa", feature: Feature::Track.name(), bp: track },
                Fact::Availability { arch: "msa", feature: Feature::Checkout.name(), bp: bp(side, Feature::Checkout) },
                Fact::FailWait { us: wait },
            ];
            Ok((track >= GOOD_BP as u64, wait.div_ceil(1000), facts))
        }
        "arch-spike-scale-out" => {
            if s.action != Action::Spike {
                return Err(refuse("do"));
            }
            if s.module != Module::Catalog {
                return Err(refuse("m"));
            }
            let i = side_of(&s, &[Arch::Monolith, Arch::Modular])?;
            let arch = if i == 0 { s.a.name() } else { s.b.name() };
            let c = run(s)?;
            let now = app_instances(sides(&c)?[i]);
            let mut facts = vec![Fact::Instances { arch, spike: s.spike as u64, instances: now }];
            let mut smallest = true;
            if s.spike > MIN_SPIKE {
                // "The smallest": one less must not need more instances.
                let before = run(Setup { spike: s.spike - 1, ..s })?;
                let n = app_instances(sides(&before)?[i]);
                facts.push(Fact::Instances { arch, spike: s.spike as u64 - 1, instances: n });
                smallest = n <= BASE_INSTANCES as u64;
            }
            Ok((now > BASE_INSTANCES as u64 && smallest, s.spike as u64, facts))
        }
        _ => {
            if s.action != Action::Schema {
                return Err(refuse("do"));
            }
            let mono = side_of(&s, &[Arch::Monolith]).map_err(|_| refuse("a"))?;
            let msa = side_of(&s, &[Arch::Msa])?;
            let c = run(s)?;
            let [a, b] = sides(&c)?;
            let (fm, fs) = if mono == 0 { (features(a), features(b)) } else { (features(b), features(a)) };
            let _ = msa;
            let names = |v: &[Feature]| v.iter().map(|f| f.name()).collect::<Vec<_>>();
            let facts = vec![
                Fact::Blast { arch: "mono", features: names(&fm) },
                Fact::Blast { arch: "msa", features: names(&fs) },
            ];
            Ok((fm.len() >= 3 && fs.len() == 1, fs.len() as u64, facts))
        }
    }
}
