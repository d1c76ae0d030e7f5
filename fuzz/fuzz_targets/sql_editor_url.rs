//! The SQL editor's link (`?sql=1*_<steps>*_<setup>*_<session>...`, msa_sim::sql::url): decoding never panics;
//! what decodes re-encodes to the same state; its programs parse or give a typed error; its steps replay on the
//! engine (as far as they go) and the board's views do not panic; a short exploration does not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::sql::url::{Board, Budget, EditorState, Explorer};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let Ok(state) = EditorState::decode(&s) else { return };
    let e = state.encode();
    assert_eq!(EditorState::decode(&e).as_ref(), Ok(&state), "{e:?}");
    let Ok(program) = state.program() else { return };
    let Ok((board, _)) = Board::replay(program.clone(), &state.steps) else { return };
    let _ = board.enabled();
    let _ = board.is_over();
    let _ = board.engine.snapshot();
    if let Ok(mut x) = Explorer::new(program, Budget { max_schedules: 50, max_actions: 2_000 }) {
        while !x.run(500) {}
        for g in x.groups() {
            let _ = g.outcome.errors();
            let _ = g.outcome.stuck();
        }
    }
});
