//! Everything a URL or localStorage carries into the app is decoded by functions that cannot panic. The
//! properties here complement the per-module ones (`proxy_props`, `proxy_playground`, `txn_props`, `txn_view`):
//! near-valid strings made by editing valid links, every preset with arbitrary overrides, the fault and
//! `next_upstream` items, the architecture link and the DDD exercises' stored answers. What decodes encodes back
//! to the same value. `fuzz/` runs the same checks under libFuzzer (`scripts/fuzz.sh`).

use msa_sim::arch::{Action as ArchAction, Arch, Guard, Module, Setup, MAX_SPIKE, MIN_SPIKE};
use msa_sim::ddd::exercises::ALL as EXERCISES;
use msa_sim::proxy::config::{Config, NextUpstream};
use msa_sim::proxy::playground::State;
use msa_sim::proxy::scenarios::{apply_item, format_fault, parse_fault, set, to_items, GLOBAL_KEYS, SERVER_KEYS};
use msa_sim::proxy::{preset, PRESETS};
use msa_sim::race::contention::Locking;
use msa_sim::race::view::{decode_url, RaceConfig};
use msa_sim::race::{Schedule, Strategy as TxnStrategy};
use proptest::prelude::*;
use proptest::sample::Index;

/// One edit of a string: what to do, where, and with which character.
#[derive(Clone, Debug)]
enum Edit {
    Delete {
        at: Index,
        len: usize,
    },
    Insert {
        at: Index,
        ch: char,
    },
    Replace {
        at: Index,
        ch: char,
    },
    /// Repeats the `&`/`,`-separated item around `at`.
    Duplicate {
        at: Index,
    },
    Truncate {
        at: Index,
    },
}

/// Characters the link formats are made of, and a few that they are not.
fn format_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select("&=,:@%.*_-!?+0123456789abcdefmnorstx".chars().collect::<Vec<_>>()),
        1 => any::<char>(),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<Index>(), 1usize..6).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<Index>(), format_char()).prop_map(|(at, ch)| Edit::Insert { at, ch }),
        (any::<Index>(), format_char()).prop_map(|(at, ch)| Edit::Replace { at, ch }),
        any::<Index>().prop_map(|at| Edit::Duplicate { at }),
        any::<Index>().prop_map(|at| Edit::Truncate { at }),
    ];
    prop::collection::vec(edit, 1..5)
}

fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut s: Vec<char> = base.chars().collect();
    for e in edits {
        let n = s.len();
        match *e {
            Edit::Delete { ref at, len } if n > 0 => {
                let i = at.index(n);
                s.drain(i..(i + len).min(n));
            }
            Edit::Insert { ref at, ch } => s.insert(at.index(n + 1), ch),
            Edit::Replace { ref at, ch } if n > 0 => s[at.index(n)] = ch,
            Edit::Duplicate { ref at } if n > 0 => {
                let i = at.index(n);
                let sep = |c: &char| *c == '&' || *c == ',';
                let start = s[..i].iter().rposition(sep).map_or(0, |p| p + 1);
                let end = s[i..].iter().position(sep).map_or(n, |p| i + p);
                let item: Vec<char> = s[start..end].to_vec();
                s.splice(end..end, std::iter::once('&').chain(item));
            }
            Edit::Truncate { ref at } => s.truncate(at.index(n + 1)),
            _ => {}
        }
    }
    s.into_iter().collect()
}

/// Valid playground links: every preset's config, and a few with a time and actions.
fn proxy_links() -> Vec<String> {
    let mut v: Vec<String> = PRESETS.iter().map(|(n, _)| preset(n).unwrap().to_query()).collect();
    v.push("t=6000000&act=3200000@1:crash,4000000@add,4500000@2:slowx3.5,5000000@rate:300,5500000@0:err250".into());
    v.push(
        "servers=4&algo=hash-consistent&session=cookie&t=1000&act=5@3:down,6@3:up,7@0:remove,8@1:hang,9@1:revive"
            .into(),
    );
    v
}

fn race_links() -> Vec<String> {
    msa_sim::race::PRESETS
        .iter()
        .flat_map(|p| {
            let cfg = RaceConfig::of(p);
            let sched = Schedule::decode(p.showcase).unwrap();
            [cfg.encode(&sched), RaceConfig { minor: true, ..cfg }.encode(&Schedule::default()), p.name.to_string()]
        })
        .collect()
}

fn arch_links() -> Vec<String> {
    let mut v = vec![String::new()];
    for a in Arch::ALL {
        for act in ArchAction::ALL {
            v.push(format!(
                "a:{},do:{},m:{},g:{},x:{}",
                a.name(),
                act.name(),
                Module::ALL[0].name(),
                Guard::ALL[1].name(),
                7
            ));
        }
    }
    v
}

/// `key=value` items from the override alphabet: real keys (global, by index, by name, `*`) and values that
/// are near what they take.
fn override_item() -> impl Strategy<Value = String> {
    let global: Vec<&str> = GLOBAL_KEYS.iter().map(|(k, _)| *k).collect();
    let server: Vec<&str> = SERVER_KEYS.iter().map(|(k, _)| *k).collect();
    let key = prop_oneof![
        prop::sample::select(global).prop_map(String::from),
        (prop::sample::select(vec!["0", "1", "2", "3", "s1", "s2", "s4", "*", "x"]), prop::sample::select(server))
            .prop_map(|(s, p)| format!("{s}.{p}")),
    ];
    let value = prop_oneof![
        "[0-9]{1,6}",
        "-?[0-9]{1,3}\\.[0-9]{0,3}(e[0-9])?",
        prop::sample::select(vec![
            "on",
            "off",
            "true",
            "false",
            "least-conn",
            "random-two",
            "ip-hash",
            "bursts",
            "cookie",
            "jwt",
            "lognormal",
            "remote-addr",
            "none",
            "127.0.0.1:80",
            "[::1]:1",
            "s9",
            "off,error",
            "non_idempotent",
            "http_503",
            "10@s1:crash",
            "0@s2:slowx2,5@s2:revive",
            "1@s3:err1001",
            "NaN",
            "inf",
            "",
        ])
        .prop_map(String::from),
        "[a-z0-9@:,._-]{0,12}",
    ];
    (key, value).prop_map(|(k, v)| format!("{k}={v}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn edited_proxy_links_decode_or_are_typed_errors(base in prop::sample::select(proxy_links()), e in edits()) {
        let q = mutate(&base, &e);
        if let Ok(c) = Config::from_query(&q) {
            prop_assert!(c.validate().is_ok());
            prop_assert_eq!(Config::from_query(&c.to_query()), Ok(c));
        }
        if let Ok(s) = State::from_query(&q) {
            let link = s.to_query();
            prop_assert_eq!(State::from_query(&link), Ok(s), "{}", link);
        }
    }

    #[test]
    fn every_preset_with_any_overrides_validates_or_is_refused(
        which in 0..PRESETS.len(),
        items in prop::collection::vec(override_item(), 0..8),
    ) {
        let name = PRESETS[which].0;
        let mut cfg = preset(name).unwrap();
        for item in &items {
            let _ = apply_item(&mut cfg, item);
        }
        if cfg.validate().is_ok() {
            let mut back = Config::default();
            for (k, v) in to_items(&cfg) {
                prop_assert!(set(&mut back, &k, &v).is_ok(), "{}: {}={}", name, k, v);
            }
            prop_assert_eq!(&back, &cfg);
            prop_assert_eq!(Config::from_query(&cfg.to_query()), Ok(cfg));
        }
    }

    #[test]
    fn fault_items_parse_or_are_refused(s in prop_oneof!["[0-9]{0,21}@[a-z0-9 ]{0,4}:[a-z0-9.e-]{0,10}", ".{0,40}"]) {
        if let Ok(f) = parse_fault("fault", &s) {
            prop_assert_eq!(parse_fault("fault", &format_fault(&f)), Ok(f));
        }
    }

    #[test]
    fn next_upstream_parses_or_is_refused(s in prop_oneof!["((off|error|timeout|http_500|http_503|non_idempotent|x)[, +]?){0,6}", ".{0,30}"]) {
        if let Some(n) = NextUpstream::parse(&s) {
            let mut c = Config::default();
            c.proxy.next_upstream = n;
            prop_assert_eq!(Config::from_query(&c.to_query()), Ok(c));
        }
    }

    #[test]
    fn edited_race_links_decode_or_are_typed_errors(base in prop::sample::select(race_links()), e in edits()) {
        let s = mutate(&base, &e);
        let _ = TxnStrategy::from_name(&s);
        let _ = Locking::from_name(&s);
        if let Ok((cfg, run)) = decode_url(&s) {
            let link = cfg.encode(&run.schedule());
            let (again, run2) = decode_url(&link).unwrap();
            prop_assert_eq!(again, cfg);
            prop_assert_eq!(run2.schedule(), run.schedule());
        }
    }

    #[test]
    fn any_arch_link_decodes_or_is_a_typed_error(s in prop_oneof![".{0,300}", "([a-z]{0,3}:[a-z0-9-]{0,8},?){0,7}"]) {
        if let Ok(setup) = Setup::from_query(&s) {
            prop_assert!(setup.validate().is_ok());
            prop_assert_eq!(Setup::from_query(&setup.to_query()), Ok(setup));
        }
    }

    #[test]
    fn edited_arch_links_decode_or_are_typed_errors(base in prop::sample::select(arch_links()), e in edits()) {
        if let Ok(setup) = Setup::from_query(&mutate(&base, &e)) {
            prop_assert_eq!(Setup::from_query(&setup.to_query()), Ok(setup));
        }
    }

    #[test]
    fn valid_arch_setups_round_trip(a in 0..3usize, b in 0..3usize, act in 0..ArchAction::ALL.len(), m in 0..Module::ALL.len(), g in 0..Guard::ALL.len(), x in MIN_SPIKE..=MAX_SPIKE) {
        let s = Setup { a: Arch::ALL[a], b: Arch::ALL[b], action: ArchAction::ALL[act], module: Module::ALL[m], guard: Guard::ALL[g], spike: x, ..Setup::default() };
        if s.validate().is_ok() {
            prop_assert_eq!(Setup::from_query(&s.to_query()), Ok(s));
        }
    }

    #[test]
    fn stored_exercise_answers_decode_or_are_refused(s in prop_oneof!["[0-9.!]{0,12}", ".{0,16}"]) {
        for ex in EXERCISES {
            if let Some((answers, checked)) = ex.decode(&s) {
                prop_assert_eq!(ex.encode(&answers, checked), s.clone());
                prop_assert_eq!(ex.grade(&answers).total, ex.items.len());
            }
        }
    }

    #[test]
    fn chosen_answers_round_trip(which in 0..EXERCISES.len(), picks in prop::collection::vec(prop::option::of(0u8..10), 0..12), checked in any::<bool>()) {
        let ex = EXERCISES[which];
        let mut answers = ex.empty();
        for (i, c) in picks.into_iter().enumerate() {
            ex.choose(&mut answers, i, c);
        }
        let complete = answers.0.iter().all(Option::is_some);
        let stored = ex.encode(&answers, checked);
        // A checked entry needs every item answered; the page only checks complete answers.
        let want = if checked && !complete { None } else { Some((answers, checked)) };
        prop_assert_eq!(ex.decode(&stored), want);
    }
}

#[test]
fn names_round_trip_and_near_names_are_refused() {
    for s in TxnStrategy::ALL {
        assert_eq!(TxnStrategy::from_name(s.name()), Some(s));
        assert_eq!(TxnStrategy::from_name(&format!("{} ", s.name())), None);
    }
    for l in Locking::ALL {
        assert_eq!(Locking::from_name(l.name()), Some(l));
        assert_eq!(Locking::from_name(&l.name().to_uppercase()), None);
    }
    assert_eq!(Locking::from_name(""), None);
    assert_eq!(TxnStrategy::from_name(""), None);
}

#[test]
fn the_mutated_strings_do_reach_valid_links() {
    // Guard against a generator that only ever produces refusals: the bases decode.
    for q in proxy_links() {
        assert!(State::from_query(&q).is_ok(), "{q}");
    }
    for q in race_links() {
        assert!(decode_url(&q).is_ok(), "{q}");
    }
    // Some pair an architecture with itself (refused); the rest decode.
    assert!(arch_links().iter().filter(|q| Setup::from_query(q).is_ok()).count() > 10);
}
