//! What the visualizer runs and its URL form: [`RaceConfig`], its encoding and [`decode_url`], which never panics.

use super::*;

// ---------------------------------------------------------------------------------------------------------------
// Configuration and its URL form

/// What the visualizer runs: a preset's story, a strategy that story offers, 1..=3 clients, and whether app
/// computations are steps of their own ([`Expansion::MinorSteps`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RaceConfig {
    pub preset: &'static Preset,
    pub strategy: Strategy,
    pub clients: usize,
    pub minor: bool,
}

/// Why a URL value is not a race state. Every variant is something a learner could type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum UrlError {
    /// Longer than [`MAX_URL_CHARS`].
    TooLong { len: usize, max: usize },
    /// Not one of the preset names.
    UnknownScenario,
    /// Not a strategy name.
    UnknownStrategy,
    /// A strategy the scenario's story does not offer, or clients out of range.
    Build(BuildError),
    /// The clients field is not a number.
    BadClients,
    /// The fifth field is something other than `m`.
    BadFlag,
    /// More than five `_`-separated fields.
    TooManyFields,
    /// The schedule does not decode, or does not fit the scenario.
    Schedule(ReplayError),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::TooLong { len, max } => write!(f, "{len} characters, at most {max}"),
            UrlError::UnknownScenario => f.write_str("unknown scenario"),
            UrlError::UnknownStrategy => f.write_str("unknown strategy"),
            UrlError::Build(e) => write!(f, "{e:?}"),
            UrlError::BadClients => f.write_str("clients is not a number"),
            UrlError::BadFlag => f.write_str("the fifth field must be m"),
            UrlError::TooManyFields => f.write_str("too many fields"),
            UrlError::Schedule(e) => e.fmt(f),
        }
    }
}

/// The longest URL value accepted: the fields, separators and the longest schedule.
pub const MAX_URL_CHARS: usize = MAX_SCHEDULE_CHARS + 64;

impl RaceConfig {
    /// The preset as the lessons show it.
    pub fn of(preset: &'static Preset) -> RaceConfig {
        RaceConfig { preset, strategy: preset.strategy, clients: preset.clients, minor: false }
    }

    /// The preset named `name` (None for an unknown name).
    pub fn named(name: &str) -> Option<RaceConfig> {
        preset(name).map(RaceConfig::of)
    }

    /// The scenario to run.
    pub fn scenario(&self) -> Result<Scenario, BuildError> {
        let mut sc = build(self.preset.story, self.strategy, self.clients)?;
        if self.minor {
            sc.expansion = Expansion::MinorSteps;
        }
        Ok(sc)
    }

    /// The URL value: `scenario_strategy_clients_schedule`, plus `_m` with minor steps. Only characters that
    /// `URLSearchParams` leaves as they are (letters, digits, `-`, `_`).
    pub fn encode(&self, schedule: &Schedule) -> String {
        let mut s = format!("{}_{}_{}_{}", self.preset.name, self.strategy.name(), self.clients, schedule.encode());
        if self.minor {
            s.push_str("_m");
        }
        s
    }
}

/// Decodes a URL value and replays its schedule. Fields may be left off from the right (`lost-update`,
/// `lost-update_for-update`); missing ones take the preset's values. Total: never panics.
pub fn decode_url(s: &str) -> Result<(RaceConfig, Run), UrlError> {
    let len = s.chars().count();
    if len > MAX_URL_CHARS {
        return Err(UrlError::TooLong { len, max: MAX_URL_CHARS });
    }
    let mut fields = s.split('_');
    let name = fields.next().unwrap_or("");
    let mut cfg = RaceConfig::named(name).ok_or(UrlError::UnknownScenario)?;
    if let Some(st) = fields.next().filter(|f| !f.is_empty()) {
        cfg.strategy = Strategy::from_name(st).ok_or(UrlError::UnknownStrategy)?;
    }
    if let Some(c) = fields.next().filter(|f| !f.is_empty()) {
        if c.len() > 3 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UrlError::BadClients);
        }
        cfg.clients = c.parse().map_err(|_| UrlError::BadClients)?;
    }
    let sched = fields.next().unwrap_or("");
    match fields.next() {
        None => {}
        Some("m") => cfg.minor = true,
        Some(_) => return Err(UrlError::BadFlag),
    }
    if fields.next().is_some() {
        return Err(UrlError::TooManyFields);
    }
    let sc = cfg.scenario().map_err(UrlError::Build)?;
    let schedule = Schedule::decode(sched).map_err(|e| UrlError::Schedule(ReplayError::Decode(e)))?;
    if schedule.len() > sc.max_run_len() {
        let pos = sc.max_run_len();
        return Err(UrlError::Schedule(ReplayError::AfterEnd { pos }));
    }
    let run = replay(&sc, &schedule).map_err(UrlError::Schedule)?;
    Ok((cfg, run))
}

/// Replays as much of `schedule` as the scenario allows: the run after the longest valid prefix, and why the
/// next action could not be taken (None if all of it replayed). What the strategy switch uses: the same
/// schedule under another strategy may block a transaction earlier.
pub fn replay_prefix(sc: &Scenario, schedule: &Schedule) -> (Run, Option<ReplayError>) {
    let mut run = Run::new(sc.clone());
    for (pos, &t) in schedule.0.iter().enumerate() {
        if run.is_over() {
            return (run, Some(ReplayError::AfterEnd { pos }));
        }
        if let Err(error) = run.step(t) {
            return (run, Some(ReplayError::NotEnabled { pos, error }));
        }
    }
    (run, None)
}

/// The preset names, for a directive's `OneOf` list and the scenario picker.
pub fn preset_names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|p| p.name)
}
