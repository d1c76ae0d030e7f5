//! The heavyweight lock manager, as lock.c / proc.c run it: one lock object per tag with its granted requests and
//! a FIFO wait queue. A request waits if it conflicts with a granted lock of another owner or with a request
//! already waiting (lock.c's waitMask check); ProcSleep lets a requester that already holds a lock some waiter
//! wants go ahead of that waiter; a release wakes the queue in order (ProcLockWakeup), each waiter granted if it
//! conflicts neither with the granted locks nor with the waiters still ahead of it.
//!
//! Tags: relations (table locks), tuples (the heavyweight tuple lock a row-lock waiter takes first, README.tuplock)
//! and transaction ids (a row-lock waiter waits for the holder's transaction to end: XactLockTableWait).

use super::ast::TableLockMode;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LockTag {
    Relation(usize),
    /// (table, logical row)
    Tuple(usize, usize),
    Xid(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LockReq {
    pub owner: usize,
    pub mode: TableLockMode,
    /// The (sub)transaction that acquired it: released when that subtransaction aborts.
    pub sub: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LockObj {
    pub tag: LockTag,
    pub granted: Vec<LockReq>,
    pub waiting: Vec<LockReq>,
}

/// Equal lock managers hold the same locks in the same order: an exploration takes equal engines for one state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct LockManager {
    pub locks: Vec<LockObj>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    Granted,
    /// Enqueued: the owner now waits.
    Waiting,
    /// Would wait, and NOWAIT / SKIP LOCKED was asked: nothing changed.
    Busy,
    /// ProcSleep's early deadlock: the requester holds a lock a waiter ahead wants and wants one that waiter holds.
    Deadlock,
}

impl LockManager {
    fn find(&self, tag: LockTag) -> Option<usize> {
        self.locks.iter().position(|l| l.tag == tag)
    }

    pub fn holds(&self, owner: usize, tag: LockTag, mode: TableLockMode) -> bool {
        self.find(tag).is_some_and(|i| self.locks[i].granted.iter().any(|g| g.owner == owner && g.mode == mode))
    }

    fn conflicts_granted(obj: &LockObj, owner: usize, mode: TableLockMode) -> bool {
        obj.granted.iter().any(|g| g.owner != owner && mode.conflicts(g.mode))
    }

    pub fn acquire(&mut self, owner: usize, tag: LockTag, mode: TableLockMode, sub: u32, nowait: bool) -> Acquire {
        let out = self.acquire_unchecked(owner, tag, mode, sub, nowait);
        self.check_invariants();
        out
    }

    fn acquire_unchecked(
        &mut self,
        owner: usize,
        tag: LockTag,
        mode: TableLockMode,
        sub: u32,
        nowait: bool,
    ) -> Acquire {
        if self.holds(owner, tag, mode) {
            return Acquire::Granted;
        }
        let i = match self.find(tag) {
            Some(i) => i,
            None => {
                self.locks.push(LockObj { tag, granted: vec![], waiting: vec![] });
                self.locks.len() - 1
            }
        };
        let obj = &mut self.locks[i];
        let req = LockReq { owner, mode, sub };
        let wait_conflict = obj.waiting.iter().any(|w| w.owner != owner && mode.conflicts(w.mode));
        if !wait_conflict && !Self::conflicts_granted(obj, owner, mode) {
            obj.granted.push(req);
            return Acquire::Granted;
        }
        if nowait {
            self.gc();
            return Acquire::Busy;
        }
        // ProcSleep: where to queue.
        let held: Vec<TableLockMode> = obj.granted.iter().filter(|g| g.owner == owner).map(|g| g.mode).collect();
        let mut insert_at = obj.waiting.len();
        if !held.is_empty() {
            let mut ahead: Vec<TableLockMode> = Vec::new();
            for (k, w) in obj.waiting.iter().enumerate() {
                if held.iter().any(|h| w.mode.conflicts(*h)) {
                    let w_held: Vec<TableLockMode> =
                        obj.granted.iter().filter(|g| g.owner == w.owner).map(|g| g.mode).collect();
                    if w_held.iter().any(|h| mode.conflicts(*h)) {
                        return Acquire::Deadlock;
                    }
                    if !ahead.iter().any(|a| mode.conflicts(*a)) && !Self::conflicts_granted(obj, owner, mode) {
                        obj.granted.push(req);
                        return Acquire::Granted;
                    }
                    insert_at = k;
                    break;
                }
                ahead.push(w.mode);
            }
        }
        obj.waiting.insert(insert_at, req);
        Acquire::Waiting
    }

    /// ProcLockWakeup over one lock: grants in queue order; returns the owners granted.
    fn wakeup(&mut self, i: usize) -> Vec<usize> {
        let obj = &mut self.locks[i];
        let mut woken = Vec::new();
        let mut ahead: Vec<TableLockMode> = Vec::new();
        let mut k = 0;
        while k < obj.waiting.len() {
            let w = obj.waiting[k];
            if !ahead.iter().any(|a| w.mode.conflicts(*a)) && !Self::conflicts_granted(obj, w.owner, w.mode) {
                obj.waiting.remove(k);
                obj.granted.push(w);
                woken.push(w.owner);
            } else {
                ahead.push(w.mode);
                k += 1;
            }
        }
        woken
    }

    fn gc(&mut self) {
        self.locks.retain(|l| !l.granted.is_empty() || !l.waiting.is_empty());
    }

    /// Releases the owner's granted locks that `pred` selects (by tag and sub); returns the owners woken.
    pub fn release_where(&mut self, owner: usize, pred: impl Fn(&LockTag, &LockReq) -> bool) -> Vec<usize> {
        let mut woken = Vec::new();
        for i in 0..self.locks.len() {
            let tag = self.locks[i].tag;
            let before = self.locks[i].granted.len();
            self.locks[i].granted.retain(|g| !(g.owner == owner && pred(&tag, g)));
            if self.locks[i].granted.len() != before {
                woken.extend(self.wakeup(i));
            }
        }
        self.gc();
        self.check_invariants();
        woken
    }

    pub fn release(&mut self, owner: usize, tag: LockTag, mode: TableLockMode) -> Vec<usize> {
        let Some(i) = self.find(tag) else { return vec![] };
        if let Some(k) = self.locks[i].granted.iter().position(|g| g.owner == owner && g.mode == mode) {
            self.locks[i].granted.remove(k);
        }
        let w = self.wakeup(i);
        self.gc();
        self.check_invariants();
        w
    }

    /// Takes the owner's request out of a wait queue (deadlock victim, lock timeout); others may then go.
    pub fn cancel_wait(&mut self, owner: usize) -> Vec<usize> {
        let mut woken = Vec::new();
        for i in 0..self.locks.len() {
            let before = self.locks[i].waiting.len();
            self.locks[i].waiting.retain(|w| w.owner != owner);
            if self.locks[i].waiting.len() != before {
                woken.extend(self.wakeup(i));
            }
        }
        self.gc();
        self.check_invariants();
        woken
    }

    /// Moves locks taken under subtransaction `from` to `to` (RELEASE SAVEPOINT hands them to the parent).
    pub fn reassign(&mut self, owner: usize, from: u32, to: u32) {
        for l in &mut self.locks {
            for g in &mut l.granted {
                if g.owner == owner && g.sub == from {
                    g.sub = to;
                }
            }
        }
    }

    /// The lock the owner waits for, if any.
    pub fn waiting_for(&self, owner: usize) -> Option<(LockTag, TableLockMode)> {
        self.locks.iter().find_map(|l| l.waiting.iter().find(|w| w.owner == owner).map(|w| (l.tag, w.mode)))
    }

    /// Waits-for edges out of `owner`: (blocker, hard). Hard: the blocker holds a conflicting lock; soft: it waits
    /// ahead in the queue for a conflicting mode (deadlock.c's two kinds of edge).
    pub fn edges(&self, owner: usize) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for l in &self.locks {
            let Some(pos) = l.waiting.iter().position(|w| w.owner == owner) else { continue };
            let mode = l.waiting[pos].mode;
            for g in &l.granted {
                if g.owner != owner && mode.conflicts(g.mode) && !out.contains(&(g.owner, true)) {
                    out.push((g.owner, true));
                }
            }
            for w in &l.waiting[..pos] {
                if w.owner != owner && mode.conflicts(w.mode) && !out.iter().any(|e| e.0 == w.owner) {
                    out.push((w.owner, false));
                }
            }
        }
        out
    }

    /// Edges out of `owner` with the lock they come from: (blocker, hard, lock index).
    fn edges_at(&self, owner: usize) -> Vec<(usize, bool, usize)> {
        let mut out = Vec::new();
        for (i, l) in self.locks.iter().enumerate() {
            let Some(pos) = l.waiting.iter().position(|w| w.owner == owner) else { continue };
            let mode = l.waiting[pos].mode;
            for g in &l.granted {
                if g.owner != owner && mode.conflicts(g.mode) {
                    out.push((g.owner, true, i));
                }
            }
            for w in &l.waiting[..pos] {
                if w.owner != owner && mode.conflicts(w.mode) {
                    out.push((w.owner, false, i));
                }
            }
        }
        out
    }

    /// A cycle through `start` (its edges: from, to, hard, lock index), using soft edges or not.
    fn find_cycle(&self, start: usize, soft: bool) -> Option<Vec<(usize, usize, bool, usize)>> {
        fn go(
            lm: &LockManager,
            n: usize,
            start: usize,
            soft: bool,
            path: &mut Vec<(usize, usize, bool, usize)>,
            seen: &mut Vec<usize>,
        ) -> bool {
            for (m, hard, li) in lm.edges_at(n) {
                if !hard && !soft {
                    continue;
                }
                path.push((n, m, hard, li));
                if m == start {
                    return true;
                }
                if !seen.contains(&m) {
                    seen.push(m);
                    if go(lm, m, start, soft, path, seen) {
                        return true;
                    }
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        let mut seen = vec![start];
        go(self, start, start, soft, &mut path, &mut seen).then_some(path)
    }

    /// deadlock.c's check when `start`'s deadlock_timeout fires: true for a deadlock. A cycle of hard edges is
    /// one; a cycle that needs soft edges (waiting behind a conflicting waiter) is first resolved as PostgreSQL
    /// does, by letting the blocked waiter go ahead of the one it queues behind (the woken owners are returned),
    /// and is a deadlock only if a cycle remains.
    pub fn check_deadlock(&mut self, start: usize) -> (bool, Vec<usize>) {
        if self.find_cycle(start, false).is_some() {
            return (true, vec![]);
        }
        let Some(cycle) = self.find_cycle(start, true) else { return (false, vec![]) };
        let mut woken = Vec::new();
        for (a, b, hard, li) in cycle {
            if hard {
                continue;
            }
            let q = &mut self.locks[li].waiting;
            let (Some(pa), Some(pb)) = (q.iter().position(|w| w.owner == a), q.iter().position(|w| w.owner == b))
            else {
                continue;
            };
            if pa > pb {
                let req = q.remove(pa);
                q.insert(pb, req);
            }
            woken.extend(self.wakeup(li));
        }
        self.gc();
        self.check_invariants();
        let dead = self.find_cycle(start, true).is_some();
        (dead, woken)
    }

    /// The lock table's invariants, checked after every change in debug and test builds (and in the long runs of
    /// the test command, built with the `invariants` feature): no two owners hold conflicting modes of one lock;
    /// every waiter is blocked by a conflicting holder or by a conflicting waiter ahead of it (so each chain of
    /// waits ends at a real holder); an owner waits in one queue at most; no lock object is empty.
    #[inline]
    fn check_invariants(&self) {
        #[cfg(any(debug_assertions, feature = "invariants"))]
        {
            let mut waiters = Vec::new();
            for l in &self.locks {
                assert!(!l.granted.is_empty() || !l.waiting.is_empty(), "empty lock object {:?}", l.tag);
                for (k, g) in l.granted.iter().enumerate() {
                    for h in &l.granted[k + 1..] {
                        assert!(
                            g.owner == h.owner || !g.mode.conflicts(h.mode),
                            "{:?}: owners {} and {} hold conflicting modes {:?} and {:?}",
                            l.tag,
                            g.owner,
                            h.owner,
                            g.mode,
                            h.mode
                        );
                    }
                }
                for (k, w) in l.waiting.iter().enumerate() {
                    let blocked = Self::conflicts_granted(l, w.owner, w.mode)
                        || l.waiting[..k].iter().any(|a| a.owner != w.owner && w.mode.conflicts(a.mode));
                    assert!(blocked, "{:?}: owner {} waits for {:?} but nothing blocks it", l.tag, w.owner, w.mode);
                    assert!(!waiters.contains(&w.owner), "owner {} waits in two queues", w.owner);
                    waiters.push(w.owner);
                }
            }
        }
    }

    /// Is `start` on a cycle of the waits-for graph?
    pub fn in_cycle(&self, start: usize) -> bool {
        let mut stack = vec![start];
        let mut seen: Vec<usize> = Vec::new();
        while let Some(n) = stack.pop() {
            for (m, _) in self.edges(n) {
                if m == start {
                    return true;
                }
                if !seen.contains(&m) {
                    seen.push(m);
                    stack.push(m);
                }
            }
        }
        false
    }
}

#[cfg(all(test, any(debug_assertions, feature = "invariants")))]
mod invariant_tests {
    use super::*;

    fn req(owner: usize, mode: TableLockMode) -> LockReq {
        LockReq { owner, mode, sub: 0 }
    }

    fn table(granted: Vec<LockReq>, waiting: Vec<LockReq>) -> LockManager {
        LockManager { locks: vec![LockObj { tag: LockTag::Relation(0), granted, waiting }] }
    }

    #[test]
    #[should_panic(expected = "conflicting modes")]
    fn two_conflicting_holders_are_caught() {
        let mut lm =
            table(vec![req(0, TableLockMode::AccessExclusive), req(1, TableLockMode::AccessExclusive)], vec![]);
        lm.cancel_wait(2);
    }

    #[test]
    #[should_panic(expected = "nothing blocks it")]
    fn a_waiter_nothing_blocks_is_caught() {
        let mut lm = table(vec![req(0, TableLockMode::AccessShare)], vec![req(1, TableLockMode::RowShare)]);
        lm.cancel_wait(2);
    }

    #[test]
    fn a_consistent_table_passes() {
        let mut lm = table(vec![req(0, TableLockMode::AccessShare)], vec![]);
        assert_eq!(lm.acquire(1, LockTag::Relation(0), TableLockMode::AccessExclusive, 0, false), Acquire::Waiting);
        assert_eq!(lm.acquire(2, LockTag::Relation(0), TableLockMode::AccessShare, 0, false), Acquire::Waiting);
        assert_eq!(lm.release(0, LockTag::Relation(0), TableLockMode::AccessShare), vec![1]);
    }
}
